import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** N clients start the same download at once; prints "ttfb_median_ms ttfb_max_ms seconds bytes_total". */
public class Herd {
  public static void main(String[] args) throws Exception {
    String url = args[0];
    int n = Integer.parseInt(args[1]);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<long[]>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(pool.submit(() -> {
        go.await();
        long start = System.nanoTime();
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setReadTimeout(120_000);
        long bytes = 0;
        long ttfb = -1;
        byte[] buf = new byte[1 << 20];
        try (InputStream in = c.getInputStream()) {
          int r;
          while ((r = in.read(buf)) > 0) {
            if (ttfb < 0) ttfb = System.nanoTime() - start;
            bytes += r;
          }
        }
        return new long[] {ttfb, bytes};
      }));
    }
    long t0 = System.nanoTime();
    go.countDown();
    List<Long> ttfbs = new ArrayList<>();
    long total = 0;
    for (Future<long[]> f : all) {
      long[] r = f.get();
      ttfbs.add(r[0]);
      total += r[1];
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    Collections.sort(ttfbs);
    System.out.printf("%.1f %.1f %.2f %d%n", ttfbs.get(n / 2) / 1e6, ttfbs.get(n - 1) / 1e6, secs, total);
    pool.shutdownNow();
  }
}

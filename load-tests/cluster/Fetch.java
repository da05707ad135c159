import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Downloads one URL with 1 MiB reads and prints "bytes seconds ttfb_ms sha256" so shell
 * benchmarks can compute throughput without the client being the bottleneck.
 * Usage: java Fetch.java URL [--no-hash]
 */
public class Fetch {
  public static void main(String[] args) throws Exception {
    boolean hash = !(args.length > 1 && args[1].equals("--no-hash"));
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    long start = System.nanoTime();
    HttpURLConnection c = (HttpURLConnection) new URL(args[0]).openConnection();
    c.setReadTimeout(60_000);
    int status = c.getResponseCode();
    if (status != 200) {
      System.err.println("status " + status + " for " + args[0]);
      System.exit(1);
    }
    byte[] buf = new byte[1 << 20];
    long total = 0;
    long ttfb = -1;
    try (InputStream in = c.getInputStream()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        if (ttfb < 0) {
          ttfb = System.nanoTime() - start;
        }
        total += n;
        if (hash) {
          sha.update(buf, 0, n);
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("%d %.3f %.1f %s%n", total, seconds, ttfb / 1e6, hash ? HexFormat.of().formatHex(sha.digest()) : "-");
  }
}

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * N clients send the same GET at the same moment; prints "ttfb_median_ms ttfb_max_ms seconds
 * bytes_total". Usage: java Herd.java URL N.
 *
 * <p>Each client connects first, then all write their request at once (a latch) and read the answer
 * in 1 MiB reads; its time to first byte runs from its own write to the first byte of the body.
 * Plain sockets rather than a JDK HTTP client: that client keeps few idle connections and loads and
 * compiles its classes on the first requests, which would be measured as the server's delay.
 */
public class Herd {
  public static void main(String[] args) throws Exception {
    URI uri = URI.create(args[0]);
    int n = Integer.parseInt(args[1]);
    int port = uri.getPort() < 0 ? 80 : uri.getPort();
    String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    byte[] request =
        ("GET " + target + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + port + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Socket s = new Socket();
      s.connect(new InetSocketAddress(uri.getHost(), port), 10_000);
      s.setSoTimeout(120_000);
      sockets.add(s);
    }
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch ready = new CountDownLatch(n);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<long[]>> all = new ArrayList<>();
    for (Socket s : sockets) {
      all.add(pool.submit(() -> {
        byte[] buf = new byte[1 << 20];
        ready.countDown();
        go.await();
        try (s) {
          long start = System.nanoTime();
          OutputStream out = s.getOutputStream();
          out.write(request);
          out.flush();
          return read(s.getInputStream(), buf, start);
        }
      }));
    }
    ready.await();
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
    System.out.printf(Locale.ROOT, "%.1f %.1f %.2f %d%n", ttfbs.get(n / 2) / 1e6, ttfbs.get(n - 1) / 1e6, secs, total);
    pool.shutdownNow();
  }

  /** Reads one response: {ttfb_nanos, body_bytes}; fails unless the status is 200 and the body is whole. */
  private static long[] read(InputStream in, byte[] buf, long start) throws IOException {
    int have = 0;
    int headEnd = -1;
    while (headEnd < 0) {
      int r = in.read(buf, have, buf.length - have);
      if (r < 0) {
        throw new IOException("connection closed before the response head ended");
      }
      have += r;
      for (int i = Math.max(0, have - r - 3); i + 3 < have; i++) {
        if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
          headEnd = i + 4;
          break;
        }
      }
    }
    String head = new String(buf, 0, headEnd, StandardCharsets.ISO_8859_1);
    if (!head.startsWith("HTTP/1.1 200")) {
      throw new IOException("not a 200: " + head.lines().findFirst().orElse(""));
    }
    long length = -1;
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Long.parseLong(line.substring(15).trim());
      }
    }
    if (length < 0) {
      throw new IOException("no Content-Length in " + head);
    }
    long bytes = have - headEnd;
    long ttfb = -1;
    if (bytes > 0) {
      ttfb = System.nanoTime() - start;
    }
    while (bytes < length) {
      int r = in.read(buf);
      if (r < 0) {
        throw new IOException("body ended after " + bytes + " of " + length + " bytes");
      }
      if (ttfb < 0) {
        ttfb = System.nanoTime() - start;
      }
      bytes += r;
    }
    return new long[] {ttfb, bytes};
  }
}

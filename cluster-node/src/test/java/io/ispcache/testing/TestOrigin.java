package io.ispcache.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HTTP/1.1 origin on 127.0.0.1, written on plain sockets so faults are real: keep-alive,
 * GET/HEAD, single ranges, ETag/Last-Modified, and per-path faults; it counts what it served.
 */
public final class TestOrigin implements AutoCloseable {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

  /** A generated object. */
  record Item(long length, long seed, String contentType, String etag, String lastModified) {}

  /** A misbehaviour injected for one path. */
  public sealed interface Fault {
    record Status(int code) implements Fault {}

    record ResetAfter(long bytes) implements Fault {}

    record StallAfter(long bytes) implements Fault {}

    record IgnoreRange() implements Fault {}

    record Throttle(long bytesPerSecond) implements Fault {}

    record DelayHeaders(long millis) implements Fault {}

    static Fault status(int code) {
      return new Status(code);
    }

    static Fault resetAfter(long bytes) {
      return new ResetAfter(bytes);
    }

    static Fault stallAfter(long bytes) {
      return new StallAfter(bytes);
    }

    static Fault ignoreRange() {
      return new IgnoreRange();
    }

    static Fault throttle(long bytesPerSecond) {
      return new Throttle(bytesPerSecond);
    }

    static Fault delayHeaders(long millis) {
      return new DelayHeaders(millis);
    }
  }

  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-origin");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Item> items = new ConcurrentHashMap<>();
  private final Map<String, List<Fault>> faults = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> bytes = new ConcurrentHashMap<>();
  private final Map<String, List<String>> ranges = new ConcurrentHashMap<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  private final CountDownLatch closed = new CountDownLatch(1);

  public TestOrigin() throws IOException {
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    threads.execute(this::accept);
  }

  public int port() {
    return server.getLocalPort();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  /** A port nothing listens on, for connection-refused tests. */
  public static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public void put(String path, long length, long seed, String contentType, String etag, String lastModified) {
    items.put(path, new Item(length, seed, contentType, etag, lastModified));
  }

  public void fault(String path, Fault fault) {
    faults.computeIfAbsent(path, p -> Collections.synchronizedList(new ArrayList<>())).add(fault);
  }

  public void clearFaults(String path) {
    faults.remove(path);
  }

  public int requestCount(String path) {
    AtomicInteger n = requests.get(path);
    return n == null ? 0 : n.get();
  }

  public long bytesSent(String path) {
    AtomicLong n = bytes.get(path);
    return n == null ? 0 : n.get();
  }

  public List<String> rangesRequested(String path) {
    return List.copyOf(ranges.getOrDefault(path, List.of()));
  }

  public int connectionsAccepted() {
    return connections.get();
  }

  @Override
  public void close() {
    closed.countDown();
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    }
    threads.shutdownNow();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        connections.incrementAndGet();
        open.add(s);
        threads.execute(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      while (true) {
        List<String> head = readHead(in);
        if (head == null) {
          return;
        }
        if (!answer(socket, head, out)) {
          return;
        }
      }
    } catch (IOException e) {
      // client went away or we reset it: nothing to do
    } finally {
      open.remove(socket);
    }
  }

  private static List<String> readHead(InputStream in) throws IOException {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        String l = line.toString().stripTrailing();
        if (l.isEmpty()) {
          if (lines.isEmpty()) {
            continue;
          }
          return lines;
        }
        lines.add(l);
        line.setLength(0);
      } else {
        line.append((char) c);
      }
    }
    return null;
  }

  /** Answers one request; false when the connection must end. */
  private boolean answer(Socket socket, List<String> head, OutputStream out) throws IOException {
    String[] requestLine = head.get(0).split(" ");
    String method = requestLine[0];
    String target = requestLine.length > 1 ? requestLine[1] : "/";
    String path = target.startsWith("http://") ? target.substring(target.indexOf('/', 7)) : target;
    int q = path.indexOf('?');
    if (q >= 0) {
      path = path.substring(0, q);
    }
    String rangeHeader = header(head, "range");
    requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    if (rangeHeader != null) {
      ranges.computeIfAbsent(path, p -> Collections.synchronizedList(new ArrayList<>())).add(rangeHeader);
    }
    List<Fault> active = List.copyOf(faults.getOrDefault(path, List.of()));
    for (Fault f : active) {
      if (f instanceof Fault.DelayHeaders d) {
        try {
          if (closed.await(d.millis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            return false;
          }
        } catch (InterruptedException e) {
          return false;
        }
      }
      if (f instanceof Fault.Status s) {
        writeHead(out, s.code() + " Injected", List.of("Content-Length: 0"));
        return true;
      }
    }
    Item item = items.get(path);
    if (item == null) {
      byte[] body = "not found".getBytes(StandardCharsets.US_ASCII);
      writeHead(out, "404 Not Found", List.of("Content-Type: text/plain", "Content-Length: " + body.length));
      if (!method.equals("HEAD")) {
        out.write(body);
      }
      out.flush();
      return true;
    }
    long first = 0;
    long last = item.length() - 1;
    String status = "200 OK";
    List<String> headers = new ArrayList<>();
    boolean ignoreRange = active.stream().anyMatch(f -> f instanceof Fault.IgnoreRange);
    if (rangeHeader != null && !ignoreRange) {
      Matcher m = RANGE.matcher(rangeHeader.trim());
      if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
        if (m.group(1).isEmpty()) {
          first = Math.max(0, item.length() - Long.parseLong(m.group(2)));
        } else {
          first = Long.parseLong(m.group(1));
          if (!m.group(2).isEmpty()) {
            last = Math.min(last, Long.parseLong(m.group(2)));
          }
        }
        if (first >= item.length()) {
          writeHead(out, "416 Range Not Satisfiable", List.of("Content-Range: bytes */" + item.length(), "Content-Length: 0"));
          return true;
        }
        status = "206 Partial Content";
        headers.add("Content-Range: bytes " + first + "-" + last + "/" + item.length());
      }
    }
    long length = last - first + 1;
    headers.add("Content-Type: " + item.contentType());
    headers.add("Content-Length: " + length);
    headers.add("Accept-Ranges: bytes");
    if (item.etag() != null) {
      headers.add("ETag: " + item.etag());
    }
    if (item.lastModified() != null) {
      headers.add("Last-Modified: " + item.lastModified());
    }
    writeHead(out, status, headers);
    if (method.equals("HEAD")) {
      out.flush();
      return true;
    }
    return body(socket, out, path, item, first, length, active);
  }

  private boolean body(Socket socket, OutputStream out, String path, Item item, long first, long length, List<Fault> active)
      throws IOException {
    long resetAfter = Long.MAX_VALUE;
    long stallAfter = Long.MAX_VALUE;
    long throttle = 0;
    for (Fault f : active) {
      if (f instanceof Fault.ResetAfter r) {
        resetAfter = r.bytes();
      } else if (f instanceof Fault.StallAfter s) {
        stallAfter = s.bytes();
      } else if (f instanceof Fault.Throttle t) {
        throttle = t.bytesPerSecond();
      }
    }
    AtomicLong counter = bytes.computeIfAbsent(path, p -> new AtomicLong());
    byte[] buf = new byte[64 * 1024];
    long sent = 0;
    long started = System.nanoTime();
    while (sent < length) {
      int n = (int) Math.min(buf.length, length - sent);
      if (sent + n > resetAfter) {
        n = (int) (resetAfter - sent);
      }
      if (sent + n > stallAfter) {
        n = (int) (stallAfter - sent);
      }
      if (n > 0) {
        TestContent.fill(item.seed(), first + sent, buf, 0, n);
        out.write(buf, 0, n);
        sent += n;
        counter.addAndGet(n);
      }
      if (sent >= resetAfter) {
        out.flush();
        socket.setSoLinger(true, 0); // close now sends RST
        return false;
      }
      if (sent >= stallAfter) {
        out.flush();
        try {
          closed.await();
        } catch (InterruptedException ignored) {
          // origin closing
        }
        return false;
      }
      if (throttle > 0) {
        long due = started + sent * 1_000_000_000L / throttle;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
      }
    }
    out.flush();
    return true;
  }

  private static void writeHead(OutputStream out, String status, List<String> headers) throws IOException {
    StringBuilder b = new StringBuilder("HTTP/1.1 ").append(status).append("\r\n");
    for (String h : headers) {
      b.append(h).append("\r\n");
    }
    b.append("\r\n");
    out.write(b.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static String header(List<String> head, String name) {
    for (int i = 1; i < head.size(); i++) {
      String l = head.get(i);
      int colon = l.indexOf(':');
      if (colon > 0 && l.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
        return l.substring(colon + 1).trim();
      }
    }
    return null;
  }
}

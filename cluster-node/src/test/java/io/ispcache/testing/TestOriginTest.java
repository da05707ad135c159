package io.ispcache.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The test origin itself: it must serve the right bytes and its faults must be real. */
class TestOriginTest {
  static final String ETAG = "\"e1\"";
  static final String DATE = "Tue, 03 Nov 2026 10:00:00 GMT";
  TestOrigin origin;

  @BeforeEach
  void start() throws IOException {
    origin = new TestOrigin();
    origin.put("/a.bin", 100_000, 4, "application/octet-stream", ETAG, DATE);
  }

  @AfterEach
  void stop() {
    origin.close();
  }

  record Reply(int status, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** One connection to the origin, speaking HTTP/1.1 by hand so tests see exactly what is on the wire. */
  final class Conn implements AutoCloseable {
    final Socket socket;
    final InputStream in;

    Conn() throws IOException {
      socket = new Socket(InetAddress.getLoopbackAddress(), origin.port());
      socket.setSoTimeout(10_000);
      in = new BufferedInputStream(socket.getInputStream());
    }

    Reply send(String method, String path, String... headers) throws IOException {
      StringBuilder b = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      for (String h : headers) {
        b.append(h).append("\r\n");
      }
      socket.getOutputStream().write(b.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
      String statusLine = line();
      Map<String, String> fields = new TreeMap<>();
      for (String l = line(); !l.isEmpty(); l = line()) {
        int colon = l.indexOf(':');
        fields.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
      }
      int length = method.equals("HEAD") ? 0 : Integer.parseInt(fields.get("content-length"));
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      while (body.size() < length) {
        int n = in.read(buf, 0, Math.min(buf.length, length - body.size()));
        if (n < 0) {
          throw new IOException("connection ended after " + body.size() + " of " + length + " body bytes");
        }
        body.write(buf, 0, n);
      }
      return new Reply(Integer.parseInt(statusLine.split(" ")[1]), fields, body.toByteArray());
    }

    String line() throws IOException {
      StringBuilder b = new StringBuilder();
      int c;
      while ((c = in.read()) != '\n') {
        if (c < 0) {
          throw new IOException("connection ended in the head");
        }
        b.append((char) c);
      }
      return b.toString().stripTrailing();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  static byte[] expected(long seed, long offset, int length) {
    return TestContent.bytes(seed, offset, length);
  }

  @Test
  void wholeObjectComesWithItsValidatorsAndType() throws IOException {
    try (Conn c = new Conn()) {
      Reply r = c.send("GET", "/a.bin");
      assertEquals(200, r.status());
      assertArrayEquals(expected(4, 0, 100_000), r.body());
      assertEquals(ETAG, r.header("ETag"));
      assertEquals(DATE, r.header("Last-Modified"));
      assertEquals("application/octet-stream", r.header("Content-Type"));
      assertEquals("bytes", r.header("Accept-Ranges"));
    }
    assertEquals(100_000, origin.bytesSent("/a.bin"));
  }

  @Test
  void rangeRequestReturnsTheGeneratedBytesOfThatRange() throws IOException {
    try (Conn c = new Conn()) {
      Reply r = c.send("GET", "/a.bin", "Range: bytes=1000-1999");
      assertEquals(206, r.status());
      assertEquals("bytes 1000-1999/100000", r.header("Content-Range"));
      assertArrayEquals(expected(4, 1000, 1000), r.body());

      Reply suffix = c.send("GET", "/a.bin", "Range: bytes=-10");
      assertEquals("bytes 99990-99999/100000", suffix.header("Content-Range"));
      assertArrayEquals(expected(4, 99_990, 10), suffix.body());

      Reply open = c.send("GET", "/a.bin", "Range: bytes=99000-200000");
      assertEquals("bytes 99000-99999/100000", open.header("Content-Range"));
      assertArrayEquals(expected(4, 99_000, 1000), open.body());
    }
    assertEquals(List.of("bytes=1000-1999", "bytes=-10", "bytes=99000-200000"), origin.rangesRequested("/a.bin"));
    assertEquals(3, origin.requestCount("/a.bin"));
    assertEquals(1, origin.connectionsAccepted(), "keep-alive: one connection for three requests");
  }

  @Test
  void rangeBeyondTheEndIsAnswered416WithTheLength() throws IOException {
    try (Conn c = new Conn()) {
      Reply r = c.send("GET", "/a.bin", "Range: bytes=100000-");
      assertEquals(416, r.status());
      assertEquals("bytes */100000", r.header("Content-Range"));
    }
  }

  @Test
  void malformedOrMultipleRangesGetTheWholeObject() throws IOException {
    try (Conn c = new Conn()) {
      for (String range : List.of("bytes=5-2", "bytes=0-1,5-6", "bytes=x", "bytes=99999999999999999999-")) {
        Reply r = c.send("GET", "/a.bin", "Range: " + range);
        assertEquals(200, r.status(), range);
        assertEquals(100_000, r.body().length, range);
      }
    }
  }

  @Test
  void headAnswersHeadersOnlyAndUnknownPathsAre404() throws IOException {
    try (Conn c = new Conn()) {
      Reply head = c.send("HEAD", "/a.bin");
      assertEquals(200, head.status());
      assertEquals("100000", head.header("Content-Length"));
      assertEquals(404, c.send("GET", "/missing").status());
      assertEquals(206, c.send("GET", "/a.bin?x=1", "Range: bytes=0-0").status(), "query is not part of the path");
    }
    assertEquals(1, origin.bytesSent("/a.bin"));
  }

  @Test
  void replacedObjectHasNewBytesAndETag() throws IOException {
    origin.replace("/a.bin", 50_000, 5, "application/octet-stream", "\"e2\"", DATE);
    try (Conn c = new Conn()) {
      Reply r = c.send("GET", "/a.bin");
      assertEquals("\"e2\"", r.header("ETag"));
      assertArrayEquals(expected(5, 0, 50_000), r.body());
    }
    assertThrows(IllegalArgumentException.class, () -> origin.replace("/none", 1, 1, "a/b", null, null));
  }

  @Test
  void statusFaultAnswersThatStatusUntilCleared() throws IOException {
    origin.fault("/a.bin", TestOrigin.Fault.status(503));
    try (Conn c = new Conn()) {
      assertEquals(503, c.send("GET", "/a.bin").status());
      origin.clearFaults("/a.bin");
      assertEquals(200, c.send("GET", "/a.bin").status());
    }
  }

  @Test
  void resetFaultReallyResetsTheConnectionMidBody() throws IOException {
    origin.fault("/a.bin", TestOrigin.Fault.resetAfter(10_000));
    try (Conn c = new Conn()) {
      IOException e = assertThrows(IOException.class, () -> c.send("GET", "/a.bin"));
      // Either the RST is seen as such, or it discarded what was buffered and the read fails short.
      assertTrue(e instanceof SocketException && e.getMessage().contains("reset")
          || e.getMessage().contains("connection ended after"), String.valueOf(e));
    }
    assertEquals(10_000, origin.bytesSent("/a.bin"));
  }

  @Test
  void stallFaultHoldsTheConnectionOpenWithoutSendingUntilTheOriginCloses() throws Exception {
    origin.fault("/a.bin", TestOrigin.Fault.stallAfter(5_000));
    try (Conn c = new Conn()) {
      c.socket.setSoTimeout(1_000);
      assertThrows(SocketTimeoutException.class, () -> c.send("GET", "/a.bin"), "no more bytes and no close");
      assertEquals(5_000, origin.bytesSent("/a.bin"));
      c.socket.setSoTimeout(10_000);
      CompletableFuture<Integer> end = CompletableFuture.supplyAsync(() -> {
        try {
          return c.in.read(new byte[100_000]);
        } catch (IOException e) {
          return -2;
        }
      });
      origin.close();
      int last = end.get(10, TimeUnit.SECONDS);
      assertTrue(last < 0, "the stalled connection ends when the origin closes, read gave " + last);
    }
  }

  @Test
  void ignoreRangeFaultAnswers200WithTheWholeBody() throws IOException {
    origin.fault("/a.bin", TestOrigin.Fault.ignoreRange());
    try (Conn c = new Conn()) {
      Reply r = c.send("GET", "/a.bin", "Range: bytes=10-19");
      assertEquals(200, r.status());
      assertArrayEquals(expected(4, 0, 100_000), r.body());
    }
  }

  @Test
  void throttleFaultLimitsTheRate() throws IOException {
    origin.fault("/a.bin", TestOrigin.Fault.throttle(200_000));
    long start = System.nanoTime();
    try (Conn c = new Conn()) {
      assertArrayEquals(expected(4, 0, 100_000), c.send("GET", "/a.bin").body());
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis >= 450, "100,000 bytes at 200,000 B/s took only " + millis + " ms");
  }

  @Test
  void delayHeadersFaultHoldsBackTheAnswer() throws IOException {
    origin.fault("/a.bin", TestOrigin.Fault.delayHeaders(400));
    long start = System.nanoTime();
    try (Conn c = new Conn()) {
      assertEquals(206, c.send("GET", "/a.bin", "Range: bytes=0-0").status());
    }
    assertTrue((System.nanoTime() - start) / 1_000_000 >= 400);
  }

  @Test
  void closedPortRefusesConnections() throws IOException {
    int port = TestOrigin.closedPort();
    assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
  }
}

package io.ispcache.content;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.node.InProcessNode;
import io.ispcache.node.NodeAndOrigin;
import io.ispcache.testing.MetricsText;
import io.ispcache.testing.TestContent;
import io.ispcache.testing.TestOrigin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Egress counts what clients were sent, not what the node meant to send: a client that reads a
 * little of a large object and leaves is counted about what it read. What the kernel holds is
 * the limit of what the node can know: the bytes in its socket's send buffer and in the client's
 * receive buffer when the client leaves are counted, so the bound is what was read plus both
 * buffers, far below the object's size.
 */
class EgressCountTest {
  static final String ETAG = "\"e1\"";
  static final String LAST_MODIFIED = "Tue, 03 Nov 2026 10:00:00 GMT";
  /** Ten times the largest send buffer the kernel gives a socket here by default (4 MiB). */
  static final long LARGE = 48L * 1024 * 1024;
  /** What each client reads of a body before it closes. */
  static final int READ = 1024 * 1024;
  /** The client's receive buffer, set before it connects (so the kernel does not grow it). */
  static final int CLIENT_RECEIVE_BUFFER = 64 * 1024;

  @TempDir static Path dataDir;
  static NodeAndOrigin setup;
  static TestOrigin origin;
  static InProcessNode node;

  @BeforeAll
  static void start() throws IOException {
    setup = NodeAndOrigin.start(dataDir, "ispcache.store.drives = [ { path = ${ispcache.data-dir}\"/drive-1\", size = 2GiB } ]");
    origin = setup.origin();
    node = setup.node();
  }

  @AfterAll
  static void stop() {
    if (setup != null) {
      setup.close();
    }
  }

  @Test
  void aClientThatReadsALittleOfAHitAndLeavesIsCountedWhatItRead() throws Exception {
    String path = "/egress/hit.bin";
    origin.put(path, LARGE, 41, "application/octet-stream", ETAG, LAST_MODIFIED);
    readWhole(path);

    assertCountedAboutWhatWasRead(path, "hit", 41, null);
  }

  @Test
  void aClientThatReadsALittleOfAMissAndLeavesIsCountedWhatItRead() throws Exception {
    String path = "/egress/miss.bin";
    origin.put(path, LARGE, 42, "application/octet-stream", ETAG, LAST_MODIFIED);

    assertCountedAboutWhatWasRead(path, "miss", 42, null);
  }

  @Test
  void aClientThatReadsALittleOfSeveralRangesAndLeavesIsCountedWhatItRead() throws Exception {
    String path = "/egress/ranges.bin";
    origin.put(path, LARGE, 43, "application/octet-stream", ETAG, LAST_MODIFIED);
    readWhole(path);

    assertCountedAboutWhatWasRead(path, "hit", -1, "bytes=0-99,1000000-" + (LARGE - 1000));
  }

  @Test
  void aClientThatReadsALittleOfARelayedObjectAndLeavesIsCountedWhatItRead() throws Exception {
    String path = "/egress/relayed.bin";
    origin.put(path, LARGE, 44, "application/octet-stream", ETAG, LAST_MODIFIED);
    origin.headers(path, "Cache-Control: no-store");

    assertCountedAboutWhatWasRead(path, "relay", 44, null);
  }

  /**
   * One client reads {@link #READ} bytes of {@code path}'s body and closes; the egress of
   * {@code source} grows by at least that (less a multipart body's part headers) and at most that
   * plus the two socket buffers; no other source grows. {@code seed} checks the bytes read (-1:
   * not checked, a multipart body).
   */
  private static void assertCountedAboutWhatWasRead(String path, String source, long seed, String range) throws Exception {
    MetricsText before = MetricsText.scrape(node.health("/metrics"));
    int clientBuffer;
    try (Socket client = new Socket()) {
      client.setReceiveBufferSize(CLIENT_RECEIVE_BUFFER);
      client.connect(new InetSocketAddress("127.0.0.1", node.contentRoot().getPort()), 5_000);
      client.setSoTimeout(20_000);
      clientBuffer = client.getReceiveBufferSize();
      send(client, path, range);
      InputStream in = client.getInputStream();
      String head = head(in);
      assertTrue(head.startsWith(range == null ? "HTTP/1.1 200" : "HTTP/1.1 206"), head);
      byte[] got = in.readNBytes(READ);
      assertEquals(READ, got.length, "the client read its megabyte");
      if (seed >= 0) {
        assertArrayEquals(TestContent.bytes(seed, 0, READ), got);
      }
    }
    // The node notices the client left at its next write; then the count is final.
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> MetricsText.scrape(node.health("/metrics")).count("ispcache_content_connections") == 0);
    MetricsText after = MetricsText.scrape(node.health("/metrics"));

    long counted = grown(before, after, source);
    long bound = READ + clientBuffer + serverSendBufferMax();
    long lower = range == null ? READ : READ - 4_096;
    assertTrue(counted >= lower, source + " egress grew by " + counted + ", less than the " + READ + " bytes read");
    assertTrue(counted <= bound,
        source + " egress grew by " + counted + " for a client that read " + READ + " bytes of a " + LARGE
            + "-byte body and left: more than it read plus the socket buffers (" + bound + ")");
    for (String other : new String[] {"hit", "miss", "relay"}) {
      if (!other.equals(source)) {
        assertEquals(0, grown(before, after, other), other + " egress; " + source + " grew by " + counted);
      }
    }
  }

  private static long grown(MetricsText before, MetricsText after, String source) {
    String series = "ispcache_egress_bytes_total{source=\"" + source + "\"}";
    return after.count(series) - before.count(series);
  }

  /** The largest send buffer the kernel grows a TCP socket's to (the node sets none of its own). */
  private static long serverSendBufferMax() throws IOException {
    // Read as lines: procfs states no size, and a whole-file read may stop after its first byte.
    String[] wmem = Files.readAllLines(Path.of("/proc/sys/net/ipv4/tcp_wmem")).get(0).trim().split("\\s+");
    return Long.parseLong(wmem[2]);
  }

  @Test
  void aWholeMultipartBodyCountsItsRangesButNotItsFraming() throws Exception {
    String path = "/egress/ranges-whole.bin";
    origin.put(path, 3 * 256 * 1024, 45, "application/octet-stream", ETAG, LAST_MODIFIED);
    origin.headers(path, "Cache-Control: max-age=3600"); // fresh: the second read is a hit
    assertEquals(3 * 256 * 1024, readWhole(path, null));
    MetricsText before = MetricsText.scrape(node.health("/metrics"));

    long body = readWhole(path, "bytes=0-99,300000-300999,600000-");

    MetricsText after = MetricsText.scrape(node.health("/metrics"));
    long ranges = 100 + 1_000 + (3 * 256 * 1024 - 600_000);
    assertTrue(body > ranges, "part headers and the closing boundary come with the ranges");
    assertEquals(ranges, grown(before, after, "hit"));
    assertEquals(0, grown(before, after, "miss"));
  }

  @Test
  void aColdDownloadIsAllMissedEvenWhereReadAheadGotThereFirstAndTheNextIsAllHit() throws Exception {
    // A small object (four chunks) from an origin that answers at once: the chunk fetched to learn
    // it, and those read ahead, commit before the response takes their states. They were still
    // fetched for this client, and its download cost the origin every byte (an 8 MiB object
    // downloaded twice through a node read 62.5 % cache efficiency instead of 50 %).
    String path = "/egress/cold-then-hit.bin";
    long length = 4L * 256 * 1024;
    origin.put(path, length, 47, "application/octet-stream", ETAG, LAST_MODIFIED);
    origin.headers(path, "Cache-Control: max-age=3600");
    MetricsText before = MetricsText.scrape(node.health("/metrics"));

    assertEquals(length, readWhole(path, null));

    MetricsText cold = MetricsText.scrape(node.health("/metrics"));
    assertEquals(length, grown(before, cold, "miss"), "the cold download's bytes were all fetched for it");
    assertEquals(0, grown(before, cold, "hit"));

    assertEquals(length, readWhole(path, null));

    MetricsText warm = MetricsText.scrape(node.health("/metrics"));
    assertEquals(length, grown(cold, warm, "hit"), "the next download is served from the store");
    assertEquals(0, grown(cold, warm, "miss"));
  }

  @Test
  void twoClientsOfANewObjectHaveItsBytesOnceAsMissedAndOnceAsHit() throws Exception {
    // Throttled so that both read while its chunks are still being fetched: each chunk came from
    // the origin once, for whichever client was sent it first; the other's copy cost nothing.
    String path = "/egress/herd.bin";
    long length = 6L * 1024 * 1024 + 4321;
    origin.put(path, length, 48, "application/octet-stream", ETAG, LAST_MODIFIED);
    origin.headers(path, "Cache-Control: max-age=3600");
    origin.fault(path, new TestOrigin.Fault.Throttle(1024 * 1024));
    MetricsText before = MetricsText.scrape(node.health("/metrics"));

    java.util.concurrent.CompletableFuture<Long> first =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> readWholeUnchecked(path));
    java.util.concurrent.CompletableFuture<Long> second =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> readWholeUnchecked(path));
    assertEquals(length, first.get(60, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(length, second.get(60, java.util.concurrent.TimeUnit.SECONDS));

    MetricsText after = MetricsText.scrape(node.health("/metrics"));
    assertEquals(length, grown(before, after, "miss"), "every byte fetched from the origin is one client's miss");
    assertEquals(length, grown(before, after, "hit"), "and the other client's hit");
  }

  private static long readWholeUnchecked(String path) {
    try {
      return readWhole(path, null);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aWholeRelayedBodyCountsEveryByte() throws Exception {
    String path = "/egress/relayed-whole.bin";
    origin.put(path, 700_001, 46, "application/octet-stream", ETAG, LAST_MODIFIED);
    origin.headers(path, "Cache-Control: no-store");
    MetricsText before = MetricsText.scrape(node.health("/metrics"));

    assertEquals(700_001, readWhole(path, null));

    MetricsText after = MetricsText.scrape(node.health("/metrics"));
    assertEquals(700_001, grown(before, after, "relay"));
  }

  private static void readWhole(String path) throws IOException {
    assertEquals(LARGE, readWhole(path, null), "the whole object");
  }

  /** Reads the whole answer to a GET of {@code path} (with {@code range}, if not null); returns its body's length. */
  private static long readWhole(String path, String range) throws IOException {
    try (Socket client = new Socket()) {
      client.connect(new InetSocketAddress("127.0.0.1", node.contentRoot().getPort()), 5_000);
      client.setSoTimeout(30_000);
      send(client, path, range);
      InputStream in = client.getInputStream();
      String head = head(in);
      assertTrue(head.startsWith(range == null ? "HTTP/1.1 200" : "HTTP/1.1 206"), head);
      long read = 0;
      byte[] buffer = new byte[256 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        read += n;
      }
      return read;
    }
  }

  private static void send(Socket client, String path, String range) throws IOException {
    URI uri = node.url(path);
    String request = "GET " + uri.getRawPath() + "?" + uri.getRawQuery() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + (range == null ? "" : "Range: " + range + "\r\n") + "Connection: close\r\n\r\n";
    OutputStream out = client.getOutputStream();
    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** The response head, read byte by byte up to its blank line. */
  private static String head(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the connection closed in the response head: " + head);
      }
      head.write(b);
      matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }
}

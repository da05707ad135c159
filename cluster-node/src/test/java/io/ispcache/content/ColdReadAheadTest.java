package io.ispcache.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.node.InProcessNode;
import io.ispcache.node.NodeAndOrigin;
import io.ispcache.testing.TestContent;
import io.ispcache.testing.TestOrigin;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read-ahead of a cold object as the origin sees it: it runs while a client reads the object and
 * stops when the last client of the object left. The origin is throttled so that every chunk takes
 * a known time, which is what the bounds below are stated in.
 */
class ColdReadAheadTest {
  static final int CHUNK = 256 * 1024;
  static final int READ_AHEAD = 8;
  static final String ETAG = "\"v1\"";
  static final String LAST_MODIFIED = "Tue, 03 Nov 2026 10:00:00 GMT";
  /** Bounds every wait of these tests; none of them is a measure of speed. */
  static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir static Path dataDir;
  static TestOrigin origin;
  static InProcessNode node;
  static HttpClient http;

  static NodeAndOrigin setup;

  @BeforeAll
  static void start() throws IOException {
    setup = NodeAndOrigin.start(dataDir, "ispcache.object.read-ahead-chunks = " + READ_AHEAD);
    origin = setup.origin();
    node = setup.node();
    http = setup.http();
  }

  @AfterAll
  static void stop() {
    if (setup != null) {
      setup.close();
    }
  }

  /** An object of {@code chunks} chunks that the origin sends at {@code bytesPerSecond} per request. */
  static String put(String path, int chunks, long seed, long bytesPerSecond) {
    origin.put(path, (long) chunks * CHUNK, seed, "application/octet-stream", ETAG, LAST_MODIFIED);
    origin.fault(path, new TestOrigin.Fault.Throttle(bytesPerSecond));
    return path;
  }

  @Test
  void aClientThatLeavesAfterTheHeadCostsTheOriginOnlyTheFirstChunk() throws Exception {
    // 64 KiB/s: a chunk takes the origin 4 s. The node notices the closed client at its next
    // write, when the first chunk's next piece arrives (every 50 ms), and the origin bodies read
    // ahead are broken off at their next piece: about 0.2 s in all. What could make this test
    // flake on a loaded 2-core machine is that notice taking longer than the 4 s a read-ahead
    // chunk needs to complete, or a quarter of it (1 s) for the byte bound; the rate is chosen
    // to leave those margins, and nothing here waits on a timer of the node's.
    String path = put("/objects/left-after-head.bin", 12, 21, 64 * 1024);

    try (Socket client = new Socket("127.0.0.1", node.contentRoot().getPort())) {
      sendGet(client, path);
      String head = readHead(client.getInputStream());
      assertTrue(head.startsWith("HTTP/1.1 200"), head);
      // Reset, not FIN: the node's next write fails at once, as with a client that is gone.
      client.setSoLinger(true, 0);
    }
    int completedBeforeLeaving = origin.completedBodies(path);

    await(() -> origin.openBodies(path) == 0, "the origin is still sending " + path);

    int requests = origin.requestCount(path);
    int brokenOff = requests - origin.completedBodies(path);
    assertTrue(
        origin.completedBodies(path) <= 1 + completedBeforeLeaving,
        "the first chunk, and only chunks done before the client left, were fetched whole: "
            + origin.completedBodies(path) + " of " + requests + " origin bodies completed");
    long bound = (long) (1 + completedBeforeLeaving) * CHUNK + (long) brokenOff * (CHUNK / 4);
    assertTrue(
        origin.bytesSent(path) <= bound,
        "the origin sent " + origin.bytesSent(path) + " bytes; at most the first chunk and a quarter chunk"
            + " of each of the " + brokenOff + " read-ahead bodies broken off (" + bound + ") expected");
    // The operator sees them as read-ahead given up, not as origin failures (no other test of
    // this class gives any up or fails a fetch).
    await(() -> metric("ispcache_read_ahead_abandoned_total") == brokenOff, "read-ahead given up is counted");
    assertEquals(0, metric("ispcache_origin_fetch_failures_total"));
  }

  @Test
  void aClientThatReadsTheWholeObjectGetsEveryByteWithChunksFetchedAhead() throws Exception {
    int chunks = 12;
    // 1 MiB/s per origin request: a chunk in 0.25 s, so the chunks read ahead overlap visibly (the
    // eight read-ahead requests go out together; no timer of the node's decides what is fetched).
    String path = put("/objects/read-whole.bin", chunks, 22, 1024 * 1024);

    HttpResponse<byte[]> r = http.send(request(path), HttpResponse.BodyHandlers.ofByteArray());

    assertEquals(200, r.statusCode());
    assertArrayEquals(TestContent.bytes(22, 0, chunks * CHUNK), r.body());
    await(() -> origin.openBodies(path) == 0, "the origin is still sending " + path);
    assertEquals(chunks, origin.requestCount(path), "one origin request per chunk");
    assertEquals(chunks, origin.completedBodies(path), "none broken off and fetched again");
    assertTrue(origin.peakOpenBodies(path) > 1, "chunks were fetched ahead of the one being read");
  }

  @Test
  void aSecondClientKeepsTheReadAheadTheFirstOneLeftBehind() throws Exception {
    int chunks = 10;
    // 512 KiB/s: the first client is gone while every chunk it had read ahead is still coming.
    String path = put("/objects/two-clients.bin", chunks, 23, 512 * 1024);

    HttpResponse<InputStream> stays;
    try (Socket leaves = new Socket("127.0.0.1", node.contentRoot().getPort())) {
      sendGet(leaves, path);
      String head = readHead(leaves.getInputStream());
      assertTrue(head.startsWith("HTTP/1.1 200"), head);
      // The second client's response is open before the first one leaves.
      stays = http.send(request(path), HttpResponse.BodyHandlers.ofInputStream());
      leaves.setSoLinger(true, 0);
    }
    byte[] body;
    try (InputStream in = stays.body()) {
      body = in.readAllBytes();
    }

    assertEquals(200, stays.statusCode());
    assertArrayEquals(TestContent.bytes(23, 0, chunks * CHUNK), body);
    await(() -> origin.openBodies(path) == 0, "the origin is still sending " + path);
    assertEquals(chunks, origin.requestCount(path), "one origin request per chunk: nothing read ahead was given up");
    assertEquals(chunks, origin.completedBodies(path));
  }

  /** A counter of the node's {@code /metrics}. */
  private static long metric(String name) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(node.health("/metrics")).timeout(DEADLINE).build(), HttpResponse.BodyHandlers.ofString());
      for (String line : r.body().split("\n")) {
        if (line.startsWith(name + " ")) {
          return (long) Double.parseDouble(line.substring(name.length() + 1).trim()); // written as a float
        }
      }
      throw new AssertionError(name + " is not in /metrics");
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("reading /metrics failed", e);
    }
  }

  private static HttpRequest request(String path) {
    return HttpRequest.newBuilder(node.url(path)).timeout(DEADLINE).GET().build();
  }

  private static void sendGet(Socket socket, String path) throws IOException {
    socket.setSoTimeout((int) DEADLINE.toMillis());
    URI uri = node.url(path);
    OutputStream out = socket.getOutputStream();
    out.write(("GET " + uri.getRawPath() + "?" + uri.getRawQuery() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** The response head, read byte by byte so that nothing of the body is taken. */
  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("the connection ended in the response head: " + head);
      }
      head.append((char) c);
    }
    return head.toString();
  }

  private static void await(BooleanSupplier condition, String failure) {
    org.awaitility.Awaitility.await(failure).atMost(DEADLINE).pollInterval(java.time.Duration.ofMillis(20)).until(condition::getAsBoolean);
  }
}

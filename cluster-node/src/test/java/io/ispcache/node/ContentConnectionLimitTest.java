package io.ispcache.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.content.server.RawHttp;
import io.ispcache.testing.TestOrigin;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's limit per client, as an operator sets it and sees it in /metrics. */
class ContentConnectionLimitTest {

  static long metric(InProcessNode node, String name) throws Exception {
    return io.ispcache.testing.MetricsText.scrape(node.health("/metrics")).count(name);
  }

  @Test
  void aConnectionBeyondTheClientsLimitIsClosedAndCountedInMetrics(@TempDir Path dataDir) throws Exception {
    try (TestOrigin origin = new TestOrigin();
        InProcessNode node = InProcessNode.start(dataDir, origin.port(), "ispcache.content.max-connections-per-client = 1")) {
      int port = node.contentRoot().getPort();
      try (RawHttp held = new RawHttp("127.0.0.1", port)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> metric(node, "ispcache_content_connections") == 1);
        try (RawHttp beyond = new RawHttp("127.0.0.1", port)) {
          boolean closed;
          try {
            beyond.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            closed = beyond.closedByServer();
          } catch (SocketException e) {
            closed = true;
          }
          assertTrue(closed, "127.0.0.1 already holds its one connection");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> metric(node, "ispcache_content_connections_refused_total") == 1);
        assertEquals(0, metric(node, "ispcache_content_accept_pauses_total"), "max-connections was never reached");
      }
    }
  }
}

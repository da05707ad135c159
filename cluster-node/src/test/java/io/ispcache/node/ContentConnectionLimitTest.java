package io.ispcache.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.content.server.RawHttp;
import io.ispcache.testing.TestOrigin;
import java.net.SocketException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's limit per client, as an operator sets it and sees it in /metrics. */
class ContentConnectionLimitTest {
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  static long metric(InProcessNode node, String name) throws Exception {
    String text = http.send(HttpRequest.newBuilder(node.health("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("(?m)^" + name + " (\\d+)$").matcher(text);
    assertTrue(m.find(), name + " in\n" + text);
    return Long.parseLong(m.group(1));
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

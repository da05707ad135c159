package io.ispcache.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ispcache.node.InProcessNode;
import io.ispcache.testing.TestOrigin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cache node activates with its keys and is steered to once its heartbeats arrive. */
class NodeAgentTest {
  static final String OP = "operator-key-for-agent-tests-01234";
  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();

  JsonNode call(String method, URI uri, String key, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + key);
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<String> r = http.send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(r.statusCode() < 300, r.statusCode() + " " + r.body());
    return JSON.readTree(r.body());
  }

  /** Waits until the registry answers (a new admin node's singleton starts after it joined). */
  /** Until the registry answers (503 until the admin process is up in its cluster). */
  void awaitRegistry(URI api) {
    org.awaitility.Awaitility.await("the registry answering")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              HttpResponse<String> r = http.send(
                  HttpRequest.newBuilder(URI.create(api + "/customers")).header("Authorization", "Bearer " + OP).build(),
                  HttpResponse.BodyHandlers.ofString());
              assertTrue(r.statusCode() == 200 || r.statusCode() == 503, r.statusCode() + " " + r.body());
              return r.statusCode() == 200;
            });
  }

  @Test
  void nodeWithItsKeysActivatesAndIsSteeredToNodeWithWrongKeysRefusesToStart(@TempDir Path dir) throws Exception {
    try (TestOrigin origin = new TestOrigin()) {
      String adminConf = "akka.cluster.roles = [\"admin\"]\nispcache.admin { interface = \"127.0.0.1\", port = 0, operator-key = \"" + OP + "\" }\n";
      try (InProcessNode admin = InProcessNode.startWithoutContent(dir.resolve("admin"), origin.port(), adminConf)) {
        int adminPort = admin.node().adminPort();
        URI api = URI.create("http://127.0.0.1:" + adminPort + "/api/v1");
        awaitRegistry(api);
        String customer = call("POST", URI.create(api + "/customers"), OP, "{\"name\":\"Agent ISP\"}").get("id").asText();
        String key = call("POST", URI.create(api + "/customers/" + customer + "/keys"), OP, null).get("apiKey").asText();
        String resource = call("POST", URI.create(api + "/resources"), key, "{\"name\":\"main\"}").get("id").asText();
        JsonNode keys = call("POST", URI.create(api + "/nodes"), key,
            "{\"resourceId\":\"" + resource + "\",\"name\":\"edge1\",\"serverIp\":\"20.40.0.1\",\"cidrBlocks\":\"46.0.0.0/24\"}").get("activationKeys");
        String agent = "ispcache.agent { registry-url = \"http://127.0.0.1:" + adminPort + "\", customer-id = \"" + keys.get("customerId").asText()
            + "\", cache-node-id = \"" + keys.get("cacheNodeId").asText() + "\", node-key = \"%s\", heartbeat-interval = 200ms }\n";

        try (InProcessNode edge = InProcessNode.start(dir.resolve("edge"), origin.port(), String.format(agent, keys.get("nodeKey").asText()))) {
          JsonNode steer =
              org.awaitility.Awaitility.await("the node steered to")
                  .atMost(Duration.ofSeconds(20))
                  .pollInterval(Duration.ofMillis(50))
                  .until(() -> call("GET", URI.create(api + "/steer?clientIp=46.0.0.7"), OP, null), s -> !s.get("useCdn").asBoolean());
          assertEquals("20.40.0.1", steer.get("nodes").get(0).get("serverIp").asText());
        }

        CompletionException refused =
            assertThrows(CompletionException.class, () -> InProcessNode.start(dir.resolve("impostor"), origin.port(), String.format(agent, "wrong-key")));
        assertTrue(refused.getCause().getMessage().contains("refused this node's activation (401)"), refused.getCause().getMessage());
      }
    }
  }

  @Test
  void clientAclServesOnlyAddressesInTheNodesValidBlocks(@TempDir Path dir) throws Exception {
    try (TestOrigin origin = new TestOrigin()) {
      origin.put("/acl.bin", 1000, 5, "application/octet-stream", "\"a\"", null);
      String adminConf = "akka.cluster.roles = [\"admin\"]\n"
          + "ispcache.admin { interface = \"127.0.0.1\", port = 0, operator-key = \"" + OP + "\" }\n";
      try (InProcessNode admin = InProcessNode.startWithoutContent(dir.resolve("admin"), origin.port(), adminConf)) {
        int adminPort = admin.node().adminPort();
        String cluster = admin.seedNodes();
        URI api = URI.create("http://127.0.0.1:" + adminPort + "/api/v1");
        awaitRegistry(api);
        String customer = call("POST", URI.create(api + "/customers"), OP, "{\"name\":\"Acl ISP\"}").get("id").asText();
        String key = call("POST", URI.create(api + "/customers/" + customer + "/keys"), OP, null).get("apiKey").asText();
        String resource = call("POST", URI.create(api + "/resources"), key, "{\"name\":\"main\"}").get("id").asText();
        JsonNode created = call("POST", URI.create(api + "/nodes"), key,
            "{\"resourceId\":\"" + resource + "\",\"name\":\"acl\",\"serverIp\":\"20.41.0.1\",\"cidrBlocks\":\"127.0.0.0/24\"}");
        JsonNode keys = created.get("activationKeys");
        String edgeConf = cluster + "ispcache.content.client-acl = on\n"
            + "ispcache.agent { registry-url = \"http://127.0.0.1:" + adminPort + "\", customer-id = \"" + keys.get("customerId").asText()
            + "\", cache-node-id = \"" + keys.get("cacheNodeId").asText() + "\", node-key = \"" + keys.get("nodeKey").asText() + "\" }\n";
        try (InProcessNode edge = InProcessNode.start(dir.resolve("edge"), origin.port(), edgeConf)) {
          assertEquals(200, statusUntil(edge.url("/acl.bin"), 200), "127.0.0.1 is inside 127.0.0.0/24");
          call("PATCH", URI.create(api + "/nodes/" + keys.get("cacheNodeId").asText()), key, "{\"cidrBlocks\":\"46.1.0.0/24\"}");
          assertEquals(403, statusUntil(edge.url("/acl.bin"), 403), "no longer this node's client");
        }
      }
    }
  }

  /**
   * Real downloads through a cache node with its agent: the node's report shows their bytes once
   * the minute they fell in is over (1-minute points; up to a minute and a flush of waiting).
   */
  @Test
  void downloadsThroughANodeAreInItsTrafficReport(@TempDir Path dir) throws Exception {
    try (TestOrigin origin = new TestOrigin()) {
      long size = 3_000_000;
      origin.put("/report.bin", size, 7, "application/octet-stream", "\"r\"", null);
      int adminPort = io.ispcache.testing.NodeProcess.freePort();
      String adminConf = "akka.cluster.roles = [\"admin\"]\nispcache.admin { interface = \"127.0.0.1\", port = " + adminPort + ", operator-key = \"" + OP
          + "\", heartbeat-save-interval = 1s }\n";
      try (InProcessNode admin = InProcessNode.startWithoutContent(dir.resolve("admin"), origin.port(), adminConf)) {
        URI api = URI.create("http://127.0.0.1:" + adminPort + "/api/v1");
        awaitRegistry(api);
        String customer = call("POST", URI.create(api + "/customers"), OP, "{\"name\":\"Report ISP\"}").get("id").asText();
        String key = call("POST", URI.create(api + "/customers/" + customer + "/keys"), OP, null).get("apiKey").asText();
        String resource = call("POST", URI.create(api + "/resources"), key, "{\"name\":\"main\"}").get("id").asText();
        JsonNode keys = call("POST", URI.create(api + "/nodes"), key,
            "{\"resourceId\":\"" + resource + "\",\"name\":\"edge1\",\"serverIp\":\"20.42.0.1\",\"cidrBlocks\":\"46.2.0.0/24\"}").get("activationKeys");
        String nodeId = keys.get("cacheNodeId").asText();
        String agent = "ispcache.agent { registry-url = \"http://127.0.0.1:" + adminPort + "\", customer-id = \"" + customer
            + "\", cache-node-id = \"" + nodeId + "\", node-key = \"" + keys.get("nodeKey").asText() + "\", heartbeat-interval = 200ms }\n";
        try (InProcessNode edge = InProcessNode.start(dir.resolve("edge"), origin.port(), agent)) {
          // The node's first heartbeat (its baseline) is in before the downloads.
          org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
              .until(() -> !call("GET", URI.create(api + "/nodes/" + nodeId), key, null).get("usage").isNull());
          for (int i = 0; i < 2; i++) { // a miss from the origin, then a hit from the drive
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(edge.url("/report.bin")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode());
            assertEquals(size, r.body().length);
          }
          JsonNode totals = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1))
              .until(() -> call("GET", URI.create(api + "/report/traffic/nodes/" + nodeId + "?range=1h"), key, null).get("totals"),
                  t -> t.get("egressBytes").asLong() == 2 * size);
          // Exactly what the node counted (read-ahead may have put some of the first download's chunks on
          // the drive before the client asked for them: those bytes are hits).
          JsonNode counted = JSON.readTree(http.send(HttpRequest.newBuilder(edge.health("/summary")).build(), HttpResponse.BodyHandlers.ofString()).body());
          for (String figure : List.of("hitBytes", "missBytes", "originBytes", "requests", "hitRequests")) {
            assertEquals(counted.get(figure).asLong(), totals.get(figure).asLong(), figure + " in " + totals + " and " + counted);
          }
          assertTrue(totals.get("hitBytes").asLong() >= size, totals.toString());
          assertTrue(totals.get("originBytes").asLong() >= size, totals.toString());
          assertEquals(2, totals.get("requests").asLong());
          assertEquals((double) totals.get("hitBytes").asLong() / (2 * size), totals.get("cacheEfficiency").asDouble(), 1e-9);
          assertTrue(totals.get("diskUsedBytes").asLong() >= size, totals.toString());
          assertEquals(1, totals.get("healthyNodes").asInt());
        }
      }
    }
  }

  /** {@code wanted}, once {@code uri} answers with it (within 30 s), or the last status otherwise. */
  int statusUntil(URI uri, int wanted) {
    int[] last = {0};
    try {
      return org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> last[0] = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode(),
              status -> status == wanted);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      return last[0];
    }
  }
}

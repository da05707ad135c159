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
import java.util.concurrent.locks.LockSupport;
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
  void awaitRegistry(URI api) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      HttpResponse<String> r = http.send(
          HttpRequest.newBuilder(URI.create(api + "/customers")).header("Authorization", "Bearer " + OP).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        return;
      }
      assertEquals(503, r.statusCode(), r.body());
      assertTrue(System.nanoTime() < end, "the registry never answered: " + r.body());
    }
  }

  @Test
  void nodeWithItsKeysActivatesAndIsSteeredToNodeWithWrongKeysRefusesToStart(@TempDir Path dir) throws Exception {
    try (TestOrigin origin = new TestOrigin()) {
      int adminPort = io.ispcache.testing.NodeProcess.freePort();
      String adminConf = "akka.cluster.roles = [\"admin\"]\nispcache.admin { interface = \"127.0.0.1\", port = " + adminPort + ", operator-key = \"" + OP + "\" }\n";
      try (InProcessNode admin = InProcessNode.startWithoutContent(dir.resolve("admin"), origin.port(), adminConf)) {
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
          long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
          JsonNode steer;
          do {
            assertTrue(System.nanoTime() < end, "the node was never steered to");
            LockSupport.parkNanos(50_000_000);
            steer = call("GET", URI.create(api + "/steer?clientIp=46.0.0.7"), OP, null);
          } while (steer.get("useCdn").asBoolean());
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
      int adminPort = io.ispcache.testing.NodeProcess.freePort();
      int seed = io.ispcache.testing.NodeProcess.freePort();
      String cluster = "akka.cluster.seed-nodes = [\"akka://ispcache@127.0.0.1:" + seed + "\"]\n";
      String adminConf = cluster + "akka.remote.artery.canonical.port = " + seed + "\nakka.cluster.roles = [\"admin\"]\n"
          + "ispcache.admin { interface = \"127.0.0.1\", port = " + adminPort + ", operator-key = \"" + OP + "\" }\n";
      try (InProcessNode admin = InProcessNode.startWithoutContent(dir.resolve("admin"), origin.port(), adminConf)) {
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

  int statusUntil(URI uri, int wanted) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int status;
    do {
      status = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status == wanted) {
        return status;
      }
      LockSupport.parkNanos(100_000_000);
    } while (System.nanoTime() < end);
    return status;
  }
}

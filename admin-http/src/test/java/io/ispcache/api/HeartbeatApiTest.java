package io.ispcache.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ispcache.jdbc.RegistryDatabase;
import io.ispcache.report.HeartbeatTable;
import io.ispcache.report.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heartbeats over real HTTP: their figures are checked, and what they say about a node's health
 * survives an admin restart and is the same on every admin node (issue 15).
 */
class HeartbeatApiTest {
  static final String OP = AdminHarness.OPERATOR_KEY;
  /** Written and read back every second here, so that the waits below stay short. */
  static final Config FAST_SYNC = ConfigFactory.parseString("ispcache.admin.heartbeat-save-interval = 1s");

  @TempDir Path dir;

  /** A node's activation keys and the address of a client it serves. */
  record Node(String id, String customerId, String nodeKey) {
    String heartbeat(boolean healthy, long hitBytes, long requests) {
      return heartbeat(healthy, "\"hitBytes\":" + hitBytes + ",\"missBytes\":10,\"egressBytes\":" + hitBytes + ",\"requests\":" + requests
          + ",\"diskUsedBytes\":100,\"diskCapacityBytes\":1000");
    }

    String heartbeat(boolean healthy, String figures) {
      return "{\"customerId\":\"" + customerId + "\",\"cacheNodeId\":\"" + id + "\",\"nodeKey\":\"" + nodeKey + "\",\"healthy\":" + healthy
          + (figures.isEmpty() ? "" : "," + figures) + "}";
    }
  }

  static Node node(AdminHarness h, String cidrs, String serverIp) throws Exception {
    var c = h.call("POST", "/api/v1/customers", OP, "{\"name\":\"ISP " + System.nanoTime() + "\"}");
    assertEquals(201, c.status(), c.raw().body());
    String customer = c.body().get("id").asText();
    String key = h.call("POST", "/api/v1/customers/" + customer + "/keys", OP, null).body().get("apiKey").asText();
    String resource = h.call("POST", "/api/v1/resources", key, "{\"name\":\"main\"}").body().get("id").asText();
    var n = h.call("POST", "/api/v1/nodes", key,
        "{\"resourceId\":\"" + resource + "\",\"name\":\"edge\",\"serverIp\":\"" + serverIp + "\",\"cidrBlocks\":\"" + cidrs + "\"}");
    assertEquals(201, n.status(), n.raw().body());
    JsonNode keys = n.body().get("activationKeys");
    return new Node(keys.get("cacheNodeId").asText(), keys.get("customerId").asText(), keys.get("nodeKey").asText());
  }

  static void beat(AdminHarness h, String body) throws Exception {
    var r = h.call("POST", "/api/v1/agent/heartbeat", null, body);
    assertEquals(200, r.status(), r.raw().body());
  }

  static JsonNode steer(AdminHarness h, String clientIp) throws Exception {
    var r = h.call("GET", "/api/v1/steer?clientIp=" + clientIp, null, null);
    assertEquals(200, r.status(), r.raw().body());
    return r.body();
  }

  static JsonNode steerToNode(AdminHarness h, String clientIp) {
    return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> steer(h, clientIp), a -> !a.get("useCdn").asBoolean());
  }

  @Test
  void heartbeatFiguresOutOfBoundsAre400NamingTheField() throws Exception {
    try (AdminHarness h = new AdminHarness(dir)) {
      Node n = node(h, "42.1.0.0/24", "20.1.0.1");
      String ok = "\"hitBytes\":1,\"missBytes\":1,\"egressBytes\":1,\"requests\":1,\"diskUsedBytes\":1,\"diskCapacityBytes\":1";
      for (String field : new String[] {"hitBytes", "missBytes", "egressBytes", "requests", "diskUsedBytes", "diskCapacityBytes"}) {
        AdminApiTest.assertProblem(h.call("POST", "/api/v1/agent/heartbeat", null, n.heartbeat(true, ok.replace("\"" + field + "\":1", "\"" + field + "\":-1"))), 400, field);
        // Beyond any sane figure (2^62), and beyond a 64-bit number altogether.
        AdminApiTest.assertProblem(h.call("POST", "/api/v1/agent/heartbeat", null, n.heartbeat(true, ok.replace("\"" + field + "\":1", "\"" + field + "\":4611686018427387904"))), 400, field);
        AdminApiTest.assertProblem(h.call("POST", "/api/v1/agent/heartbeat", null, n.heartbeat(true, ok.replace("\"" + field + "\":1", "\"" + field + "\":99999999999999999999"))), 400, field);
      }
      // Wrong keys are refused before the figures are read.
      AdminApiTest.assertProblem(h.call("POST", "/api/v1/agent/heartbeat", null, n.heartbeat(true, ok.replace("\"hitBytes\":1", "\"hitBytes\":-1")).replace(n.nodeKey(), "wrong")), 401, null);
      assertTrue(h.call("GET", "/api/v1/nodes/" + n.id(), OP, null).body().get("usage").isNull(), "no refused heartbeat was taken");
      beat(h, n.heartbeat(true, ok));
    }
  }

  @Test
  void countersThatGoDownAreANodeRestartTheSummaryKeepsTheTotals() throws Exception {
    try (AdminHarness h = new AdminHarness(dir)) {
      Node n = node(h, "42.2.0.0/24", "20.2.0.1");
      beat(h, n.heartbeat(true, 1000, 10));
      beat(h, n.heartbeat(true, 100, 2));
      JsonNode usage = h.call("GET", "/api/v1/nodes/" + n.id(), OP, null).body().get("usage");
      assertEquals(1100, usage.get("hitBytes").asLong());
      assertEquals(12, usage.get("requests").asLong());
      assertEquals(20, usage.get("missBytes").asLong());
    }
  }

  @Test
  void steeringIsTheSameRightAfterAnAdminRestartOnH2() throws Exception {
    steeringSurvivesARestart(TestDatabases.h2(dir), dir);
  }

  @Test
  void steeringIsTheSameRightAfterAnAdminRestartOnPostgres() throws Exception {
    String name = TestDatabases.createPostgres();
    try {
      steeringSurvivesARestart(TestDatabases.postgres(name, dir), dir);
    } finally {
      TestDatabases.dropPostgres(name);
    }
  }

  private static void steeringSurvivesARestart(Config db, Path dir) throws Exception {
    Config config = db.withFallback(FAST_SYNC);
    JsonNode before;
    JsonNode usageBefore;
    String nodeId;
    try (AdminHarness first = new AdminHarness(dir, config, null)) {
      Node n = node(first, "42.3.0.0/24", "20.3.0.1");
      nodeId = n.id();
      beat(first, n.heartbeat(true, 5000, 50));
      before = steerToNode(first, "42.3.0.7");
      assertEquals(n.id(), before.get("nodes").get(0).get("id").asText());
      usageBefore = first.call("GET", "/api/v1/nodes/" + n.id(), OP, null).body().get("usage");
      // Written within one interval, as it would be before a crash; shutdown writes once more.
      HeartbeatTable table = new HeartbeatTable(RegistryDatabase.fromConfig(first.system.settings().config()));
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> table.loadAll().stream().anyMatch(r -> r.nodeId().equals(n.id())));
    }
    try (AdminHarness restarted = new AdminHarness(dir, config, null)) {
      // The first request after the restart: no heartbeat has come back yet.
      assertEquals(before, steer(restarted, "42.3.0.7"));
      JsonNode view = restarted.call("GET", "/api/v1/nodes/" + nodeId, OP, null).body();
      assertTrue(view.get("healthy").asBoolean());
      assertEquals(usageBefore, view.get("usage"));

      // A deleted node's heartbeat is forgotten in the table too.
      assertEquals(204, restarted.call("DELETE", "/api/v1/nodes/" + nodeId, OP, null).status());
      HeartbeatTable table = new HeartbeatTable(RegistryDatabase.fromConfig(restarted.system.settings().config()));
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> table.loadAll().stream().noneMatch(r -> r.nodeId().equals(nodeId)));
    }
  }

  @Test
  void twoAdminNodesOnOneDatabaseSteerAlike() throws Exception {
    String name = TestDatabases.createPostgres();
    Config config = TestDatabases.postgres(name, dir).withFallback(FAST_SYNC);
    try (AdminHarness a = new AdminHarness(dir.resolve("a"), config.withFallback(ConfigFactory.parseString("ispcache.data-dir = \"" + dir.resolve("a") + "\"")), null);
        AdminHarness b = new AdminHarness(dir.resolve("b"), config.withFallback(ConfigFactory.parseString("ispcache.data-dir = \"" + dir.resolve("b") + "\"")),
            akka.cluster.typed.Cluster.get(a.system).selfMember().address())) {
      Node one = node(a, "42.4.0.0/24", "20.4.0.1");
      Node two = node(b, "42.5.0.0/24", "20.5.0.1");
      assertTrue(steer(b, "42.4.0.9").get("useCdn").asBoolean());

      beat(a, one.heartbeat(true, 1, 1));
      beat(b, two.heartbeat(true, 1, 1));
      for (String client : new String[] {"42.4.0.9", "42.5.0.9"}) {
        JsonNode onA = steerToNode(a, client);
        JsonNode onB = steerToNode(b, client);
        assertEquals(onA, onB, client);
      }

      // A node that turns unhealthy is steered around on both, whichever one it told.
      beat(b, one.heartbeat(false, 2, 2));
      for (AdminHarness h : new AdminHarness[] {a, b}) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
            .until(() -> steer(h, "42.4.0.9").get("useCdn").asBoolean());
      }
      assertFalse(steer(a, "42.5.0.9").get("useCdn").asBoolean());
    } finally {
      TestDatabases.dropPostgres(name);
    }
  }
}

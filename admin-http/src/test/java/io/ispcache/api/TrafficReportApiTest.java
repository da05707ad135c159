package io.ispcache.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ispcache.jdbc.RegistryDatabase;
import io.ispcache.report.TelemetryTable;
import io.ispcache.report.TestClock;
import io.ispcache.report.TestDatabases;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The traffic report API over real HTTP, on H2 and PostgreSQL: what nodes report in heartbeats is
 * in the reports of their node, resource and customer (a node restart included), only for their
 * owner and operators, as JSON and CSV, and still there after an admin restart.
 */
class TrafficReportApiTest {
  static final String OP = AdminHarness.OPERATOR_KEY;
  static final Config FAST_SYNC = ConfigFactory.parseString("ispcache.admin.heartbeat-save-interval = 1s");

  @TempDir Path dir;

  /** A customer with its key, one resource and one node (with the node's activation keys). */
  record Tenant(String customerId, String apiKey, String resourceId, String nodeId, String nodeKey) {
    String heartbeat(long hit, long miss, long peer, long origin, long requests, long hitRequests, long errors) {
      return "{\"customerId\":\"" + customerId + "\",\"cacheNodeId\":\"" + nodeId + "\",\"nodeKey\":\"" + nodeKey + "\",\"healthy\":true,"
          + "\"hitBytes\":" + hit + ",\"missBytes\":" + miss + ",\"egressBytes\":" + (hit + miss) + ",\"requests\":" + requests
          + ",\"diskUsedBytes\":4000,\"diskCapacityBytes\":10000,\"peerBytes\":" + peer + ",\"originBytes\":" + origin
          + ",\"hitRequests\":" + hitRequests + ",\"errors\":" + errors + "}";
    }
  }

  static Tenant tenant(AdminHarness h, String cidr, String serverIp) throws Exception {
    String customer = h.call("POST", "/api/v1/customers", OP, "{\"name\":\"ISP " + System.nanoTime() + "\"}").body().get("id").asText();
    String key = h.call("POST", "/api/v1/customers/" + customer + "/keys", OP, null).body().get("apiKey").asText();
    String resource = h.call("POST", "/api/v1/resources", key, "{\"name\":\"main\"}").body().get("id").asText();
    var n = h.call("POST", "/api/v1/nodes", key,
        "{\"resourceId\":\"" + resource + "\",\"name\":\"edge\",\"serverIp\":\"" + serverIp + "\",\"cidrBlocks\":\"" + cidr + "\"}");
    assertEquals(201, n.status(), n.raw().body());
    JsonNode keys = n.body().get("activationKeys");
    return new Tenant(customer, key, resource, keys.get("cacheNodeId").asText(), keys.get("nodeKey").asText());
  }

  static void beat(AdminHarness h, String body) throws Exception {
    var r = h.call("POST", "/api/v1/agent/heartbeat", null, body);
    assertEquals(200, r.status(), r.raw().body());
  }

  static JsonNode report(AdminHarness h, String path, String key) throws Exception {
    var r = h.call("GET", "/api/v1/report/traffic" + path, key, null);
    assertEquals(200, r.status(), r.raw().body());
    assertEquals("application/json", r.raw().headers().firstValue("Content-Type").orElseThrow());
    return r.body();
  }

  /** The report once the writes of the last heartbeats are in (one flush, every second here). */
  static JsonNode reportShowing(AdminHarness h, String path, String key, long hitBytes) {
    return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> report(h, path, key), r -> r.get("totals").get("hitBytes").asLong() == hitBytes);
  }

  @Test
  void reportsShowWhatNodesCountedOnlyToTheirOwnersAndSurviveARestartOnH2() throws Exception {
    reportsOverHttp(TestDatabases.h2(dir));
  }

  @Test
  void reportsShowWhatNodesCountedOnlyToTheirOwnersAndSurviveARestartOnPostgres() throws Exception {
    String name = TestDatabases.createPostgres();
    try {
      reportsOverHttp(TestDatabases.postgres(name, dir));
    } finally {
      TestDatabases.dropPostgres(name);
    }
  }

  private void reportsOverHttp(Config db) throws Exception {
    Config config = db.withFallback(FAST_SYNC);
    Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    TestClock clock = new TestClock(minute.plusSeconds(5));
    Tenant a;
    Tenant b;
    JsonNode before;
    try (AdminHarness h = new AdminHarness(dir, config, null, clock)) {
      a = tenant(h, "42.10.0.0/24", "20.10.0.1");
      b = tenant(h, "42.11.0.0/24", "20.11.0.1");
      // First heartbeats: the baselines.
      beat(h, a.heartbeat(0, 0, 0, 0, 0, 0, 0));
      beat(h, b.heartbeat(0, 0, 0, 0, 0, 0, 0));
      clock.advance(Duration.ofSeconds(20));
      beat(h, a.heartbeat(6_000_000, 1_500_000, 500_000, 1_000_000, 100, 80, 2));
      beat(h, b.heartbeat(1_000, 0, 0, 0, 1, 1, 0));
      clock.advance(Duration.ofSeconds(20));
      // a's node restarted: its counters start again, all of them new traffic.
      beat(h, a.heartbeat(750_000, 0, 0, 0, 10, 10, 0));
      clock.set(minute.plusSeconds(61)); // the minute is over: the 1h report ends with it

      JsonNode node = reportShowing(h, "/nodes/" + a.nodeId() + "?range=1h", a.apiKey(), 6_750_000);
      JsonNode t = node.get("totals");
      assertEquals(1_500_000, t.get("missBytes").asLong());
      assertEquals(500_000, t.get("peerBytes").asLong());
      assertEquals(1_000_000, t.get("originBytes").asLong());
      assertEquals(8_250_000, t.get("egressBytes").asLong());
      assertEquals(110, t.get("requests").asLong());
      assertEquals(2, t.get("errors").asLong());
      assertEquals(6_750_000.0 / 8_250_000, t.get("cacheEfficiency").asDouble(), 1e-9);
      assertEquals(90.0 / 110, t.get("hitRatio").asDouble(), 1e-9);
      assertEquals(1.1, t.get("peakEgressMbps").asDouble(), 1e-9, "8.25 MB in one minute");
      assertEquals(0.018333, t.get("avgEgressMbps").asDouble(), 1e-9, "8.25 MB in one hour");
      assertEquals(8_000_000.0 / 60 / 1e6, t.get("peakOriginMbps").asDouble(), 1e-6);
      assertEquals(4000, t.get("diskUsedBytes").asLong());
      assertEquals(1, t.get("healthyNodes").asInt());
      assertEquals(0, t.get("unhealthyNodes").asInt());
      // 60 whole minutes, the last the one just over.
      assertEquals(60, node.get("series").size());
      assertEquals(60, node.get("stepSeconds").asInt());
      JsonNode last = node.get("series").get(59);
      assertEquals(minute.toString(), last.get("at").asText());
      assertEquals(minute.plusSeconds(60).toString(), node.get("to").asText());
      assertEquals(8_250_000, last.get("egressBytes").asLong());
      assertEquals(0, node.get("series").get(58).get("egressBytes").asLong());

      // The same figures per resource and per customer; the whole cluster for the operator.
      assertEquals(t, reportShowing(h, "/resources/" + a.resourceId() + "?range=1h", a.apiKey(), 6_750_000).get("totals"));
      assertEquals(t, reportShowing(h, "/customers/" + a.customerId() + "?range=1h", OP, 6_750_000).get("totals"));
      assertEquals(t, reportShowing(h, "?range=1h", a.apiKey(), 6_750_000).get("totals"), "a customer's whole scope is its own nodes");
      JsonNode all = reportShowing(h, "?range=1h", OP, 6_751_000).get("totals");
      assertEquals(2, all.get("healthyNodes").asInt());
      assertEquals(8_000, all.get("diskUsedBytes").asLong());

      // Every node the caller sees, with its figures.
      JsonNode mine = report(h, "/nodes?range=1h", a.apiKey()).get("nodes");
      assertEquals(1, mine.size());
      assertEquals(a.nodeId(), mine.get(0).get("nodeId").asText());
      assertEquals("edge", mine.get(0).get("name").asText());
      assertEquals(8_250_000, mine.get(0).get("egressBytes").asLong());
      assertEquals(1.1, mine.get(0).get("lastEgressMbps").asDouble(), 1e-9, "the last whole minute's");
      assertEquals(1.1, mine.get(0).get("peakEgressMbps").asDouble(), 1e-9);
      assertTrue(mine.get(0).get("healthy").asBoolean());
      assertEquals(2, report(h, "/nodes?range=1h", OP).get("nodes").size());

      // Hour points for 7 d: the minute is in the hour that is still going, so not yet in the range.
      JsonNode week = report(h, "/nodes/" + a.nodeId() + "?range=7d", a.apiKey());
      assertEquals(168, week.get("series").size());
      assertEquals(3600, week.get("stepSeconds").asInt());

      before = report(h, "/nodes/" + a.nodeId() + "?range=24h", a.apiKey());
      assertEquals(6_750_000, before.get("totals").get("hitBytes").asLong());
      assertEquals(1440, before.get("series").size());
    }
    try (AdminHarness restarted = new AdminHarness(dir, config, null, clock)) {
      assertEquals(before.get("series"), report(restarted, "/nodes/" + a.nodeId() + "?range=24h", a.apiKey()).get("series"));
      assertEquals(1_000, report(restarted, "/nodes/" + b.nodeId() + "?range=1h", b.apiKey()).get("totals").get("hitBytes").asLong());
    }
  }

  @Test
  void twoAdminNodesTakingHeartbeatsOfTheSameNodesCountEveryByteOnce() throws Exception {
    String name = TestDatabases.createPostgres();
    Config config = TestDatabases.postgres(name, dir).withFallback(FAST_SYNC);
    Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    TestClock clock = new TestClock(minute.plusSeconds(1));
    try (AdminHarness a = new AdminHarness(dir.resolve("a"), config.withFallback(ConfigFactory.parseString("ispcache.data-dir = \"" + dir.resolve("a") + "\"")), null, clock);
        AdminHarness b = new AdminHarness(dir.resolve("b"), config.withFallback(ConfigFactory.parseString("ispcache.data-dir = \"" + dir.resolve("b") + "\"")),
            akka.cluster.typed.Cluster.get(a.system).selfMember().address(), clock)) {
      Tenant one = tenant(a, "42.16.0.0/24", "20.16.0.1");
      Tenant two = tenant(b, "42.17.0.0/24", "20.17.0.1");
      beat(a, one.heartbeat(0, 0, 0, 0, 0, 0, 0));
      beat(b, two.heartbeat(0, 0, 0, 0, 0, 0, 0));
      // The first heartbeats (the baselines) are written before the next come, as with real intervals
      // (30 s heartbeats, 5 s writes); from there on, any order of writes counts every byte once.
      TelemetryTable table = new TelemetryTable(RegistryDatabase.fromConfig(a.system.settings().config()));
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> table.minutes(TelemetryTable.Scope.ALL, minute.toEpochMilli(),
          minute.plusSeconds(60).toEpochMilli()).stream().anyMatch(m -> m.reportingNodes() == 2));
      clock.advance(Duration.ofSeconds(10));
      beat(a, one.heartbeat(1_000, 0, 0, 0, 1, 1, 0));
      beat(b, two.heartbeat(2_000, 0, 0, 0, 1, 1, 0));
      // Node one's heartbeats go to b for a while, then back to a (a load balancer in front of both).
      clock.advance(Duration.ofSeconds(10));
      beat(b, one.heartbeat(3_000, 0, 0, 0, 2, 2, 0));
      clock.advance(Duration.ofSeconds(10));
      beat(a, one.heartbeat(3_500, 0, 0, 0, 3, 3, 0));
      clock.set(minute.plusSeconds(60));

      for (AdminHarness h : List.of(a, b)) {
        JsonNode all = reportShowing(h, "?range=1h", OP, 3_500 + 2_000).get("totals");
        assertEquals(4, all.get("requests").asLong());
        assertEquals(3_500, report(h, "/nodes/" + one.nodeId() + "?range=1h", one.apiKey()).get("totals").get("hitBytes").asLong());
      }
    } finally {
      TestDatabases.dropPostgres(name);
    }
  }

  @Test
  void anotherCustomersNodeResourceOrCustomerReportIs403AndUnknownOnes404() throws Exception {
    try (AdminHarness h = new AdminHarness(dir)) {
      Tenant a = tenant(h, "42.12.0.0/24", "20.12.0.1");
      Tenant b = tenant(h, "42.13.0.0/24", "20.13.0.1");
      for (String path : List.of("/nodes/" + b.nodeId(), "/resources/" + b.resourceId(), "/customers/" + b.customerId())) {
        AdminApiTest.assertProblem(h.call("GET", "/api/v1/report/traffic" + path, a.apiKey(), null), 403, null);
        assertEquals(200, h.call("GET", "/api/v1/report/traffic" + path, b.apiKey(), null).status());
        assertEquals(200, h.call("GET", "/api/v1/report/traffic" + path, OP, null).status());
      }
      for (String path : List.of("/nodes/nope", "/resources/nope", "/customers/nope")) {
        AdminApiTest.assertProblem(h.call("GET", "/api/v1/report/traffic" + path, a.apiKey(), null), 404, null);
      }
      AdminApiTest.assertProblem(h.call("GET", "/api/v1/report/traffic", null, null), 401, null);
      // A deleted node's report stays its owner's only.
      assertEquals(204, h.call("DELETE", "/api/v1/nodes/" + b.nodeId(), b.apiKey(), null).status());
      assertEquals(200, h.call("GET", "/api/v1/report/traffic/nodes/" + b.nodeId(), b.apiKey(), null).status());
      AdminApiTest.assertProblem(h.call("GET", "/api/v1/report/traffic/nodes/" + b.nodeId(), a.apiKey(), null), 403, null);
    }
  }

  @Test
  void heartbeatFiguresAddedForReportsAreCheckedAsTheOthersAndMayBeAbsent() throws Exception {
    try (AdminHarness h = new AdminHarness(dir)) {
      Tenant a = tenant(h, "42.15.0.0/24", "20.15.0.1");
      String ok = a.heartbeat(0, 0, 0, 0, 0, 0, 0);
      for (String field : List.of("peerBytes", "originBytes", "hitRequests", "errors")) {
        for (String bad : List.of("-1", "4611686018427387904", "1.5", "\"7\"")) {
          AdminApiTest.assertProblem(h.call("POST", "/api/v1/agent/heartbeat", null, ok.replace("\"" + field + "\":0", "\"" + field + "\":" + bad)), 400, field);
        }
      }
      // An agent of an earlier release sends none of them.
      beat(h, ok.replaceAll(",\"(peerBytes|originBytes|hitRequests|errors)\":0", ""));
    }
  }

  @Test
  void badRangeOrFormatIs400NamingTheParameter() throws Exception {
    try (AdminHarness h = new AdminHarness(dir)) {
      for (String range : List.of("2h", "", "1H", "24", "-1h", "1h,7d")) {
        AdminApiTest.assertProblem(h.call("GET", "/api/v1/report/traffic?range=" + range, OP, null), 400, "range");
      }
      for (String format : List.of("xml", "", "CSV")) {
        AdminApiTest.assertProblem(h.call("GET", "/api/v1/report/traffic?format=" + format, OP, null), 400, "format");
      }
      JsonNode fallback = report(h, "", OP);
      assertEquals("24h", fallback.get("range").asText(), "without range: the last 24 hours");
      assertTrue(fallback.get("totals").get("cacheEfficiency").isNull(), "no traffic: no efficiency, not 0");
    }
  }

  @Test
  void csvWithFormatOrAcceptHasAHeaderARowPerPointAndATotal() throws Exception {
    Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    TestClock clock = new TestClock(minute.plusSeconds(1));
    try (AdminHarness h = new AdminHarness(dir, FAST_SYNC, null, clock)) {
      Tenant a = tenant(h, "42.14.0.0/24", "20.14.0.1");
      beat(h, a.heartbeat(0, 0, 0, 0, 0, 0, 0));
      clock.advance(Duration.ofSeconds(30));
      beat(h, a.heartbeat(3_000_000, 1_000_000, 0, 1_000_000, 40, 30, 1));
      clock.set(minute.plusSeconds(60));
      reportShowing(h, "/nodes/" + a.nodeId() + "?range=1h", a.apiKey(), 3_000_000);

      HttpResponse<String> byFormat = h.get("/api/v1/report/traffic/nodes/" + a.nodeId() + "?range=1h&format=csv", a.apiKey(), null);
      HttpResponse<String> byAccept = h.get("/api/v1/report/traffic/nodes/" + a.nodeId() + "?range=1h", a.apiKey(), "text/csv");
      for (HttpResponse<String> r : List.of(byFormat, byAccept)) {
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("text/csv; charset=UTF-8", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("attachment; filename=\"traffic-1h.csv\"", r.headers().firstValue("Content-Disposition").orElseThrow());
        List<String> lines = r.body().lines().toList();
        assertEquals(1 + 60 + 1, lines.size());
        assertEquals("at,egressMbps,originMbps,hitBytes,missBytes,peerBytes,originBytes,egressBytes,requests,hitRequests,errors,"
            + "cacheEfficiency,hitRatio,diskUsedBytes,diskCapacityBytes,healthyNodes,unhealthyNodes", lines.get(0));
        assertEquals(minute + ",0.533333,0.133333,3000000,1000000,0,1000000,4000000,40,30,1,0.75,0.75,4000,10000,1,0", lines.get(60));
        assertEquals(minute.minusSeconds(60) + ",0.0,0.0,0,0,0,0,0,0,0,0,,,0,0,0,0", lines.get(59));
        assertEquals("total,0.008889,0.002222,3000000,1000000,0,1000000,4000000,40,30,1,0.75,0.75,4000,10000,1,0", lines.get(61));
      }
      List<String> nodes = h.get("/api/v1/report/traffic/nodes?range=1h&format=csv", a.apiKey(), null).body().lines().toList();
      assertEquals(List.of("nodeId,name,resourceId,customerId,healthy,avgEgressMbps,peakEgressMbps,lastEgressMbps,avgOriginMbps,peakOriginMbps,"
          + "hitBytes,missBytes,peerBytes,originBytes,egressBytes,requests,hitRequests,errors,cacheEfficiency,hitRatio",
          a.nodeId() + ",\"edge\"," + a.resourceId() + "," + a.customerId() + ",true,0.008889,0.533333,0.533333,0.002222,0.133333,"
              + "3000000,1000000,0,1000000,4000000,40,30,1,0.75,0.75"), nodes);
      // Asked for JSON as well, or for anything: JSON.
      for (String accept : List.of("application/json, text/csv", "*/*")) {
        assertEquals("application/json", h.get("/api/v1/report/traffic?range=1h", a.apiKey(), accept).headers().firstValue("Content-Type").orElseThrow());
      }
    }
  }
}

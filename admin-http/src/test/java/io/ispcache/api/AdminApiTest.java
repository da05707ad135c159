package io.ispcache.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API over real HTTP: tenants, validation, review, steering and node agents. */
class AdminApiTest {
  static final String OP = AdminHarness.OPERATOR_KEY;
  @TempDir static Path dir;
  static AdminHarness h;

  @BeforeAll
  static void start() {
    h = new AdminHarness(dir);
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  /** A customer with an API key and a resource. */
  record Tenant(String id, String key, String resourceId) {}

  static int seq;

  static Tenant tenant() throws Exception {
    String name = "Tenant " + (++seq) + " " + System.nanoTime();
    var c = h.call("POST", "/api/v1/customers", OP, "{\"name\":\"" + name + "\"}");
    assertEquals(201, c.status(), c.raw().body());
    String id = c.body().get("id").asText();
    var k = h.call("POST", "/api/v1/customers/" + id + "/keys", OP, null);
    assertEquals(201, k.status());
    String key = k.body().get("apiKey").asText();
    var r = h.call("POST", "/api/v1/resources", key, "{\"name\":\"main\"}");
    assertEquals(201, r.status(), r.raw().body());
    return new Tenant(id, key, r.body().get("id").asText());
  }

  static JsonNode node(Tenant t, String name, String ip, String cidrs) throws Exception {
    String body = "{\"resourceId\":\"" + t.resourceId() + "\",\"name\":\"" + name + "\""
        + (ip == null ? "" : ",\"serverIp\":\"" + ip + "\"")
        + (cidrs == null ? "" : ",\"cidrBlocks\":\"" + cidrs + "\"") + "}";
    var r = h.call("POST", "/api/v1/nodes", t.key(), body);
    assertEquals(201, r.status(), r.raw().body());
    return r.body();
  }

  static void assertProblem(AdminHarness.Reply r, int status, String field) {
    assertEquals(status, r.status(), r.raw().body());
    assertEquals("application/problem+json", r.raw().headers().firstValue("Content-Type").orElseThrow());
    assertEquals(status, r.body().get("status").asInt());
    assertNotNull(r.body().get("detail"));
    if (field != null) {
      assertEquals(field, r.body().get("field").asText(), r.raw().body());
    }
  }

  @Test
  void missingOrWrongKeysAre401() throws Exception {
    assertProblem(h.call("GET", "/api/v1/nodes", null, null), 401, null);
    assertProblem(h.call("GET", "/api/v1/nodes", "not-a-key", null), 401, null);
    assertProblem(h.call("GET", "/api/v1/nodes/x", "not-a-key", null), 401, null);
  }

  @Test
  void customersSeeAndChangeOnlyTheirOwnNodesOnEveryEndpoint() throws Exception {
    Tenant a = tenant();
    Tenant b = tenant();
    JsonNode created = node(a, "owned", "20.10.0.1", "40.0.0.0/24");
    String id = created.get("id").asText();
    assertEquals(a.id(), created.get("activationKeys").get("customerId").asText());
    assertEquals(id, created.get("activationKeys").get("cacheNodeId").asText());
    assertTrue(created.get("activationKeys").get("nodeKey").asText().length() >= 40);

    assertProblem(h.call("GET", "/api/v1/nodes/" + id, b.key(), null), 403, null);
    assertProblem(h.call("PATCH", "/api/v1/nodes/" + id, b.key(), "{\"enabled\":false}"), 403, null);
    assertProblem(h.call("DELETE", "/api/v1/nodes/" + id, b.key(), null), 403, null);
    assertProblem(h.call("POST", "/api/v1/nodes/" + id + "/keys", b.key(), null), 403, null);
    assertProblem(h.call("GET", "/api/v1/nodes/" + id + "/history", b.key(), null), 403, null);
    assertProblem(h.call("POST", "/api/v1/nodes", b.key(), "{\"resourceId\":\"" + a.resourceId() + "\",\"name\":\"intruder\"}"), 404, null);
    assertProblem(h.call("POST", "/api/v1/resources", b.key(), "{\"name\":\"x\",\"customerId\":\"" + a.id() + "\"}"), 403, null);
    assertFalse(h.call("GET", "/api/v1/nodes", b.key(), null).body().toString().contains(id));
    assertFalse(h.call("GET", "/api/v1/resources", b.key(), null).body().toString().contains(a.resourceId()));
    JsonNode own = h.call("GET", "/api/v1/customers", b.key(), null).body();
    assertEquals(1, own.size(), "a customer lists only its own customer: " + own);
    assertEquals(b.id(), own.get(0).get("id").asText());
    assertFalse(own.get(0).has("apiKeys"), "how many keys a customer holds is for operators");
    assertProblem(h.call("POST", "/api/v1/customers", b.key(), "{\"name\":\"evil\"}"), 403, null);
    assertProblem(h.call("POST", "/api/v1/customers/" + b.id() + "/keys", b.key(), null), 403, null);
    assertProblem(h.call("GET", "/api/v1/review", b.key(), null), 403, null);
    assertProblem(h.call("POST", "/api/v1/review/" + id + "/approve", b.key(), null), 403, null);

    assertEquals(200, h.call("GET", "/api/v1/nodes/" + id, a.key(), null).status());
    assertEquals(200, h.call("GET", "/api/v1/nodes/" + id, OP, null).status(), "the operator sees everything");
    assertProblem(h.call("GET", "/api/v1/nodes/no-such-node", a.key(), null), 404, null);
  }

  @Test
  void aKeySaysWhoItBelongsTo() throws Exception {
    Tenant a = tenant();
    JsonNode me = h.call("GET", "/api/v1/me", a.key(), null).body();
    assertFalse(me.get("operator").asBoolean());
    assertEquals(a.id(), me.get("customerId").asText());
    assertTrue(me.get("customerName").asText().startsWith("Tenant "), me.toString());
    JsonNode op = h.call("GET", "/api/v1/me", OP, null).body();
    assertTrue(op.get("operator").asBoolean());
    assertTrue(op.get("customerId").isNull());
    assertProblem(h.call("GET", "/api/v1/me", "not-a-key", null), 401, null);
    assertProblem(h.call("GET", "/api/v1/me", null, null), 401, null);
    JsonNode all = h.call("GET", "/api/v1/customers", OP, null).body();
    JsonNode listed = null;
    for (JsonNode c : all) {
      if (c.get("id").asText().equals(a.id())) {
        listed = c;
      }
    }
    assertNotNull(listed, "the operator lists every customer");
    assertEquals(1, listed.get("apiKeys").asInt(), "with how many keys each holds");
  }

  @Test
  void badBodiesAreRefusedNamingTheProblem() throws Exception {
    Tenant t = tenant();
    assertProblem(h.call("POST", "/api/v1/nodes", t.key(), "{\"resourceId\":\"" + t.resourceId() + "\",\"name\":\"x\",\"colour\":\"red\"}"), 400, "colour");
    assertProblem(h.call("POST", "/api/v1/nodes", t.key(), "{\"resourceId\":\"" + t.resourceId() + "\",\"name\":\"x\",\"maxEgressMbps\":\"fast\"}"), 400, "maxEgressMbps");
    assertProblem(h.call("POST", "/api/v1/nodes", t.key(), "{not json"), 400, null);
    assertProblem(h.call("POST", "/api/v1/nodes", t.key(), ""), 400, null);
    assertProblem(h.call("POST", "/api/v1/nodes", t.key(), "{\"resourceId\":\"" + t.resourceId() + "\",\"name\":\"x y\"}"), 400, "name");
    assertProblem(h.call("POST", "/api/v1/nodes", t.key(), "{\"resourceId\":\"" + t.resourceId() + "\",\"name\":\"x\",\"cidrBlocks\":\"1.2.3.0/99\"}"), 400, "cidrBlocks");
    assertProblem(h.call("POST", "/api/v1/nodes", t.key(), "{\"resourceId\":\"" + t.resourceId() + "\",\"name\":\"x\",\"serverIp\":\"192.168.1.1\"}"), 400, "serverIp");
    String big = "{\"name\":\"" + "a".repeat(70_000) + "\"}";
    assertEquals(413, h.call("POST", "/api/v1/resources", t.key(), big).status());
    JsonNode n = node(t, "immutable", null, null);
    assertProblem(h.call("PATCH", "/api/v1/nodes/" + n.get("id").asText(), t.key(), "{\"name\":\"renamed\"}"), 400, "name");
    assertProblem(h.call("GET", "/api/v1/steer?clientIp=not-an-ip", null, null), 400, "clientIp");
    assertProblem(h.call("GET", "/api/v1/steer", null, null), 400, "clientIp");
  }

  /**
   * A client that sends a whole oversized body (more than the socket buffers hold, so it is still
   * sending when the server has decided) reads the 413 instead of a connection reset: the server
   * reads the body before it answers (RFC 9112 §9.6), and the connection stays usable.
   */
  @Test
  void aClientStillSendingAnOversizedBodyReadsThe413() throws Exception {
    Tenant t = tenant();
    byte[] body = new byte[512 * 1024];
    java.util.Arrays.fill(body, (byte) 'a');
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.setSendBufferSize(8 * 1024); // the body cannot sit in buffers: the server must read it
      socket.setSoTimeout(20_000);
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", h.port));
      String head = "POST /api/v1/resources HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + t.key()
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
      java.util.concurrent.CompletableFuture<Void> sent = java.util.concurrent.CompletableFuture.runAsync(() -> {
        try {
          java.io.OutputStream out = socket.getOutputStream();
          out.write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          for (int at = 0; at < body.length; at += 4096) {
            out.write(body, at, 4096);
          }
          out.write(("GET /api/v1/resources HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + t.key() + "\r\n\r\n")
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          out.flush();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      java.io.InputStream in = socket.getInputStream();
      String first = new String(in.readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
      sent.get(20, java.util.concurrent.TimeUnit.SECONDS); // every byte of the body was taken: no reset
      assertEquals("HTTP/1.1 413", first);
      // The next request on the same connection is answered too.
      String rest = readUntil(in, "HTTP/1.1 200");
      assertTrue(rest.contains("the request body is larger than 65536 bytes"), rest);
    }
  }

  /** What {@code in} sends up to and including {@code marker}. */
  static String readUntil(java.io.InputStream in, String marker) throws java.io.IOException {
    StringBuilder b = new StringBuilder();
    while (b.indexOf(marker) < 0) {
      int c = in.read();
      if (c < 0) {
        throw new java.io.EOFException("the connection closed before " + marker + ": " + b);
      }
      b.append((char) c);
    }
    return b.toString();
  }

  @Test
  void bodiesThatAreNotDeclaredJsonAreRefusedWith415() throws Exception {
    Tenant t = tenant();
    String body = "{\"name\":\"typed\"}";
    for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "application/jsonp", "text/json"}) {
      assertProblem(h.call("POST", "/api/v1/resources", t.key(), type, body), 415, null);
    }
    assertProblem(h.call("POST", "/api/v1/resources", t.key(), null, body), 415, null);
    assertProblem(h.call("POST", "/api/v1/agent/activate", null, "text/plain", "{}"), 415, null);
    assertEquals(201, h.call("POST", "/api/v1/resources", t.key(), "application/json; charset=utf-8", body).status());
    assertEquals(201, h.call("POST", "/api/v1/resources", t.key(), "Application/JSON", "{\"name\":\"typed2\"}").status());
  }

  @Test
  void controlAndBidirectionalOverrideCharactersInTextAreRefused() throws Exception {
    Tenant t = tenant();
    for (String bad : new String[] {"\\u202e", "\\u202a", "\\u2066", "\\u2069", "\\u0000", "\\u0007", "\\n", "\\u007f", "\\u0085", "\\u009f"}) {
      assertProblem(h.call("POST", "/api/v1/customers", OP, "{\"name\":\"Evil " + bad + "gnp.exe\"}"), 400, "name");
      assertProblem(h.call("POST", "/api/v1/resources", t.key(), "{\"name\":\"r" + bad + "x\"}"), 400, "name");
      assertProblem(h.call("POST", "/api/v1/nodes", t.key(), "{\"resourceId\":\"" + t.resourceId() + "\",\"name\":\"n" + bad + "x\"}"), 400, "name");
    }
    // Raw (unescaped) characters in the body are refused the same way.
    assertProblem(h.call("POST", "/api/v1/customers", OP, "{\"name\":\"Evil \u202Egnp.exe\"}"), 400, "name");
    JsonNode n = node(t, "reviewed", "20.15.0.1", "46.0.0.0/15");
    assertProblem(h.call("POST", "/api/v1/review/" + n.get("id").asText() + "/reject", OP, "{\"reason\":\"no \\u202e\"}"), 400, "reason");
    assertEquals(201, h.call("POST", "/api/v1/customers", OP, "{\"name\":\"Zürich Telekom \u00c5 " + System.nanoTime() + "\"}").status(), "letters beyond ASCII are names");
  }

  @Test
  void fractionalEgressLimitsAreRefusedNotTruncated() throws Exception {
    Tenant t = tenant();
    String base = "{\"resourceId\":\"" + t.resourceId() + "\",\"name\":\"egress\",\"maxEgressMbps\":";
    for (String bad : new String[] {"1.5", "100.0", "1e3", "0.5"}) {
      var r = h.call("POST", "/api/v1/nodes", t.key(), base + bad + "}");
      assertProblem(r, 400, "maxEgressMbps");
      assertTrue(r.body().get("detail").asText().contains("whole number"), r.raw().body());
    }
    var created = h.call("POST", "/api/v1/nodes", t.key(), base + "1500}");
    assertEquals(201, created.status(), created.raw().body());
    assertEquals(1500, created.body().get("maxEgressMbps").asInt());
    String id = created.body().get("id").asText();
    assertProblem(h.call("PATCH", "/api/v1/nodes/" + id, t.key(), "{\"maxEgressMbps\":2.5}"), 400, "maxEgressMbps");
    assertEquals(1500, h.call("GET", "/api/v1/nodes/" + id, t.key(), null).body().get("maxEgressMbps").asInt());
  }

  @Test
  void operatorReviewsLargeIpSpaceAndHistoryRecordsWhoDidWhat() throws Exception {
    Tenant t = tenant();
    JsonNode n = node(t, "large", "20.11.0.1", "41.0.0.0/15");
    String id = n.get("id").asText();
    assertEquals("IN_REVIEW", n.get("ipSpaceStatus").asText());
    var queue = h.call("GET", "/api/v1/review", OP, null);
    assertTrue(queue.body().toString().contains(id));

    var approved = h.call("POST", "/api/v1/review/" + id + "/approve", OP, null);
    assertEquals("VALID", approved.body().get("ipSpaceStatus").asText());
    var history = h.call("GET", "/api/v1/nodes/" + id + "/history", t.key(), null);
    assertEquals("created", history.body().get(0).get("change").asText());
    assertEquals("customer:" + t.id(), history.body().get(0).get("actor").asText());
    assertEquals("operator", history.body().get(1).get("actor").asText());
  }

  static JsonNode steerUntil(String ip, Predicate<JsonNode> condition) {
    return org.awaitility.Awaitility.await("steering of " + ip)
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              var r = h.call("GET", "/api/v1/steer?clientIp=" + ip, null, null);
              assertEquals(200, r.status());
              return r.body();
            },
            condition::test);
  }

  static void heartbeat(JsonNode keys, boolean healthy) throws Exception {
    String body = "{\"customerId\":\"" + keys.get("customerId").asText() + "\",\"cacheNodeId\":\"" + keys.get("cacheNodeId").asText()
        + "\",\"nodeKey\":\"" + keys.get("nodeKey").asText() + "\",\"healthy\":" + healthy
        + ",\"hitBytes\":700,\"missBytes\":300,\"egressBytes\":1000,\"requests\":5,\"diskUsedBytes\":1,\"diskCapacityBytes\":2}";
    assertEquals(200, h.call("POST", "/api/v1/agent/heartbeat", null, body).status());
  }

  @Test
  void steeringPicksTheMostSpecificHealthyNodeOrTheCdn() throws Exception {
    Tenant t = tenant();
    Tenant reseller = tenant();
    JsonNode wide = node(t, "wide", "20.12.0.1", "42.0.0.0/17");
    JsonNode narrow = node(reseller, "narrow", "20.12.0.2", "42.0.5.0/24");
    assertEquals("ATTENTION_REQUIRED", narrow.get("ipSpaceStatus").asText(), "overlaps another customer");
    var approved = h.call("POST", "/api/v1/review/" + narrow.get("id").asText() + "/approve", OP, null);
    assertEquals("VALID", approved.body().get("ipSpaceStatus").asText(), "an operator may approve a reseller's sub-block");

    // Routable but never reported: unhealthy, so the CDN.
    JsonNode before = steerUntil("42.0.5.9", a -> a.get("useCdn").asBoolean() && a.get("reason").asText().contains("not healthy"));
    assertTrue(before.get("useCdn").asBoolean());

    heartbeat(wide.get("activationKeys"), true);
    JsonNode viaWide = steerUntil("42.0.5.9", a -> !a.get("useCdn").asBoolean());
    assertEquals("20.12.0.1", viaWide.get("nodes").get(0).get("serverIp").asText(), "the narrow block's node is not healthy");

    heartbeat(narrow.get("activationKeys"), true);
    JsonNode viaNarrow = steerUntil("42.0.5.9", a -> a.get("block").asText().equals("42.0.5.0/24"));
    assertEquals("20.12.0.2", viaNarrow.get("nodes").get(0).get("serverIp").asText());
    assertEquals("20.12.0.1", steerUntil("42.0.6.1", a -> !a.get("useCdn").asBoolean()).get("nodes").get(0).get("serverIp").asText());

    JsonNode none = steerUntil("43.0.0.1", a -> true);
    assertTrue(none.get("useCdn").asBoolean());

    var redirect = h.call("GET", "/api/v1/steer/redirect?clientIp=42.0.5.9&url=http%3A%2F%2Fau.download.windowsupdate.com%2Fmscomtest%2Fwuidt.gif", null, null);
    assertEquals(302, redirect.status());
    assertEquals(
        "http://20.12.0.2/mscomtest/wuidt.gif?cacheHostOrigin=au.download.windowsupdate.com",
        redirect.raw().headers().firstValue("Location").orElseThrow());
    var fallback = h.call("GET", "/api/v1/steer/redirect?clientIp=43.0.0.1&url=http%3A%2F%2Fau.download.windowsupdate.com%2Fx", null, null);
    assertEquals("http://au.download.windowsupdate.com/x", fallback.raw().headers().firstValue("Location").orElseThrow());

    String narrowId = narrow.get("id").asText();
    assertEquals(200, h.call("PATCH", "/api/v1/nodes/" + narrowId, reseller.key(), "{\"enabled\":false}").status());
    steerUntil("42.0.5.9", a -> a.get("block") != null && a.get("block").asText().equals("42.0.0.0/17"));
  }

  @Test
  void steeringRedirectsOnlyToHttpUrlsOfAllowlistedOrigins() throws Exception {
    String clientIp = "43.1.0.1"; // no cache node serves it: the answer is the CDN URL itself
    for (String url : List.of(
        "https://evil.example.com/phish",
        "http://evil.example.com/phish",
        "http://download.windowsupdate.com@evil.com/",
        "http://user:pw@download.windowsupdate.com/x.cab",
        "https://download.windowsupdate.com/x.cab",
        "//evil.example.com/x",
        "javascript:alert(1)",
        "http://download.windowsupdate.com.evil.com/x",
        "http://[::1]/x",
        "http://download.windowsupdate.com/\u202egnp.cab",
        "http://download.windowsupdate.com/a b",
        "http://d\u00f6wnload.windowsupdate.com/x")) {
      var r = h.call("GET", "/api/v1/steer/redirect?clientIp=" + clientIp + "&url=" + java.net.URLEncoder.encode(url, "UTF-8"), null, null);
      assertProblem(r, 400, "url");
      assertTrue(r.raw().headers().firstValue("Location").isEmpty(), url);
    }
    var ok = h.call("GET", "/api/v1/steer/redirect?clientIp=" + clientIp + "&url=" + java.net.URLEncoder.encode("http://au.download.windowsupdate.com/x.cab?a=1#frag", "UTF-8"), null, null);
    assertEquals(302, ok.status(), ok.raw().body());
    assertEquals("http://au.download.windowsupdate.com/x.cab?a=1", ok.raw().headers().firstValue("Location").orElseThrow());
  }

  @Test
  void nodeAgentsActivateOnlyWithTheirOwnKeys() throws Exception {
    Tenant t = tenant();
    JsonNode keys = node(t, "agent", "20.13.0.1", "44.0.0.0/24").get("activationKeys");
    String good = "{\"customerId\":\"" + keys.get("customerId").asText() + "\",\"cacheNodeId\":\"" + keys.get("cacheNodeId").asText()
        + "\",\"nodeKey\":\"" + keys.get("nodeKey").asText() + "\"}";
    assertEquals(200, h.call("POST", "/api/v1/agent/activate", null, good).status());
    assertProblem(h.call("POST", "/api/v1/agent/activate", null, good.replace(keys.get("nodeKey").asText(), "wrong")), 401, null);

    var rotated = h.call("POST", "/api/v1/nodes/" + keys.get("cacheNodeId").asText() + "/keys", t.key(), null);
    assertEquals(200, rotated.status());
    assertProblem(h.call("POST", "/api/v1/agent/activate", null, good), 401, null);
    heartbeat(rotated.body(), true);
    var usage = h.call("GET", "/api/v1/nodes/" + keys.get("cacheNodeId").asText(), t.key(), null).body().get("usage");
    assertEquals(1, usage.get("diskUsedBytes").asLong());
    assertEquals(2, usage.get("diskCapacityBytes").asLong());
    var summary = h.call("GET", "/api/v1/report/summary", t.key(), null);
    assertEquals(700, summary.body().get("hitBytes").asLong());
    assertEquals(0.7, summary.body().get("hitRatioBytes").asDouble(), 1e-9);
  }

  @Test
  void deletedNodeFreesItsSpaceForANewOne() throws Exception {
    Tenant t = tenant();
    String id = node(t, "temp", "20.14.0.1", "45.0.0.0/24").get("id").asText();
    assertEquals(204, h.call("DELETE", "/api/v1/nodes/" + id, t.key(), null).status());
    assertProblem(h.call("GET", "/api/v1/nodes/" + id, t.key(), null), 404, null);
    assertEquals("VALID", node(t, "temp", "20.14.0.1", "45.0.0.0/24").get("ipSpaceStatus").asText());
  }

  @Test
  void aDeletedNodesHistoryStaysReadableByItsOwnerAndOperatorsOnly() throws Exception {
    Tenant t = tenant();
    Tenant other = tenant();
    String id = node(t, "doomed", "20.16.0.1", "47.0.0.0/24").get("id").asText();
    assertEquals(200, h.call("PATCH", "/api/v1/nodes/" + id, t.key(), "{\"enabled\":false}").status());
    assertEquals(204, h.call("DELETE", "/api/v1/nodes/" + id, t.key(), null).status());

    assertProblem(h.call("GET", "/api/v1/nodes/" + id, t.key(), null), 404, null);
    assertFalse(h.call("GET", "/api/v1/nodes", t.key(), null).body().toString().contains(id), "a deleted node is not listed");
    for (String reader : List.of(t.key(), OP)) {
      var history = h.call("GET", "/api/v1/nodes/" + id + "/history", reader, null);
      assertEquals(200, history.status(), history.raw().body());
      JsonNode entries = history.body();
      assertEquals("created", entries.get(0).get("change").asText());
      JsonNode last = entries.get(entries.size() - 1);
      assertEquals("deleted", last.get("change").asText(), entries.toString());
      assertEquals("customer:" + t.id(), last.get("actor").asText());
    }
    assertProblem(h.call("GET", "/api/v1/nodes/" + id + "/history", other.key(), null), 403, null);
    assertProblem(h.call("DELETE", "/api/v1/nodes/" + id, t.key(), null), 404, null);
    assertProblem(h.call("PATCH", "/api/v1/nodes/" + id, t.key(), "{\"enabled\":true}"), 404, null);
  }

  @Test
  void customerRotatesItsOwnApiKeyAndTheOldOneStopsWorking() throws Exception {
    Tenant t = tenant();
    var rotated = h.call("POST", "/api/v1/keys/rotate", t.key(), null);
    assertEquals(200, rotated.status());
    String fresh = rotated.body().get("apiKey").asText();
    assertProblem(h.call("GET", "/api/v1/nodes", t.key(), null), 401, null);
    assertEquals(200, h.call("GET", "/api/v1/nodes", fresh, null).status());
  }

  @Test
  void operatorsListClusterMembersAndBadMemberAddressesAreRefused() throws Exception {
    var members = h.call("GET", "/api/v1/cluster/members", OP, null);
    assertEquals(200, members.status());
    var self = members.body().get("members").get(0);
    assertEquals("Up", self.get("status").asText());
    assertEquals("admin", self.get("roles").get(0).asText());
    assertTrue(self.get("reachable").asBoolean());
    // This admin plane runs without a cache node's process around it: no member answers for
    // itself here, so its figures are unknown (null, not -1) and the answer says it is partial.
    assertTrue(members.body().get("partial").asBoolean());
    assertTrue(self.get("shards").isNull());
    assertTrue(self.get("healthy").isNull());
    assertProblem(h.call("POST", "/api/v1/cluster/members/leave", OP, "{\"address\":\"not an address\"}"), 400, "address");
    assertProblem(h.call("POST", "/api/v1/cluster/members/down", OP, "{\"address\":\"akka://admin-test@127.0.0.1:1\"}"), 404, null);
    Tenant t = tenant();
    assertProblem(h.call("GET", "/api/v1/cluster/members", t.key(), null), 403, null);
  }
}

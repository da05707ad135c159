package io.ispcache.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IP space over the admin API: strict address text answered with the rule in a 400, arbitration
 * between customers, and what a customer may read of it (nothing of another customer's space).
 */
class IpSpaceApiTest {
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

  static int seq;

  static AdminApiTest.Tenant tenant() throws Exception {
    var c = h.call("POST", "/api/v1/customers", OP, "{\"name\":\"IP space tenant " + (++seq) + "\"}");
    assertEquals(201, c.status(), c.raw().body());
    String id = c.body().get("id").asText();
    String key = h.call("POST", "/api/v1/customers/" + id + "/keys", OP, null).body().get("apiKey").asText();
    var r = h.call("POST", "/api/v1/resources", key, "{\"name\":\"main\"}");
    assertEquals(201, r.status(), r.raw().body());
    return new AdminApiTest.Tenant(id, key, r.body().get("id").asText());
  }

  static AdminHarness.Reply create(AdminApiTest.Tenant t, String name, String ip, String cidrs) throws Exception {
    String body = "{\"resourceId\":\"" + t.resourceId() + "\",\"name\":\"" + name + "\""
        + (ip == null ? "" : ",\"serverIp\":\"" + ip + "\"") + (cidrs == null ? "" : ",\"cidrBlocks\":\"" + cidrs + "\"") + "}";
    return h.call("POST", "/api/v1/nodes", t.key(), body);
  }

  @Test
  void addressesWrittenAnyButTheOneWayAreRefusedWithTheRule() throws Exception {
    AdminApiTest.Tenant t = tenant();
    int i = 0;
    for (String cidrs : new String[] {"5.0/16", "0x05000000/24", "5.0.0.0/255.255.255.0", "5.0.0.*/24", "05.0.0.0/24", "fe80::%eth0/64"}) {
      AdminHarness.Reply r = create(t, "lenient" + (i++), null, cidrs);
      AdminApiTest.assertProblem(r, 400, "cidrBlocks");
      String detail = r.body().get("detail").asText();
      assertTrue(detail.contains("'" + cidrs + "'") && detail.contains("without leading zeros") && detail.contains("RFC 4291"), detail);
    }
    AdminHarness.Reply numeric = create(t, "numeric", "134744065", null);
    AdminApiTest.assertProblem(numeric, 400, "serverIp");
    assertTrue(numeric.body().get("detail").asText().contains("four decimal numbers"), numeric.body().toString());
    AdminHarness.Reply v6 = create(t, "sixserver", "2a00:1450:4001::1", null);
    AdminApiTest.assertProblem(v6, 400, "serverIp");
    assertTrue(v6.body().get("detail").asText().contains("IPv4"), v6.body().toString());
    for (String client : new String[] {"01.02.03.04", "fe80::1%eth0", "134744065"}) {
      AdminHarness.Reply r = h.call("GET", "/api/v1/steer?clientIp=" + URLEncoder.encode(client, StandardCharsets.UTF_8), null, null);
      AdminApiTest.assertProblem(r, 400, "clientIp");
    }

    AdminHarness.Reply nested = create(t, "nested", "20.60.0.1", "14.0.0.0/16, 14.0.5.0/24");
    assertEquals(201, nested.status(), nested.raw().body());
    assertEquals(65_536, nested.body().get("ipv4Addresses").asLong(), "nested blocks are counted once");
  }

  @Test
  void aCustomerReadsNothingOfTheSpaceAnotherCustomerHolds() throws Exception {
    AdminApiTest.Tenant a = tenant();
    AdminApiTest.Tenant b = tenant();
    JsonNode holder = create(a, "holder", "20.61.0.1", "2.21.234.0/24").body();
    String holderId = holder.get("id").asText();
    AdminHarness.Reply waiting = create(b, "waiting", "20.61.0.2", "2.21.234.128/25");
    assertEquals(201, waiting.status(), waiting.raw().body());
    String waitingId = waiting.body().get("id").asText();
    assertEquals("ATTENTION_REQUIRED", waiting.body().get("ipSpaceStatus").asText());

    JsonNode asB = h.call("GET", "/api/v1/nodes/" + waitingId, b.key(), null).body();
    assertTrue(asB.get("statusReason").asText().contains("2.21.234.128/25 overlaps"), asB.toString());
    assertTrue(asB.get("conflict").isNull(), asB.toString());
    for (String secret : new String[] {"2.21.234.0/24", a.id(), holderId, "holder"}) {
      assertFalse(asB.toString().contains(secret), "B reads " + secret + " in " + asB);
    }
    JsonNode asOperator = h.call("GET", "/api/v1/nodes/" + waitingId, OP, null).body();
    assertTrue(asOperator.get("conflict").asText().contains("2.21.234.0/24") && asOperator.get("conflict").asText().contains(holderId), asOperator.toString());

    assertEquals(200, h.call("PATCH", "/api/v1/nodes/" + holderId, a.key(), "{\"enabled\":false}").status());
    JsonNode again = h.call("PATCH", "/api/v1/nodes/" + holderId, a.key(), "{\"enabled\":true}").body();
    assertEquals("VALID", again.get("ipSpaceStatus").asText(), "the holder's own edits never demote it");

    assertEquals(204, h.call("DELETE", "/api/v1/nodes/" + holderId, a.key(), null).status());
    JsonNode history = h.call("GET", "/api/v1/nodes/" + waitingId + "/history", b.key(), null).body();
    JsonNode last = history.get(history.size() - 1);
    assertEquals("registry", last.get("actor").asText());
    assertTrue(last.get("change").asText().endsWith("VALID"), last.toString());
    assertTrue(last.get("cause").isNull());
    assertFalse(history.toString().contains(a.id()) || history.toString().contains(holderId), history.toString());
    JsonNode operatorHistory = h.call("GET", "/api/v1/nodes/" + waitingId + "/history", OP, null).body();
    assertTrue(operatorHistory.get(operatorHistory.size() - 1).get("cause").asText().contains(holderId), operatorHistory.toString());
    assertEquals("VALID", h.call("GET", "/api/v1/nodes/" + waitingId, b.key(), null).body().get("ipSpaceStatus").asText());
  }

  @Test
  void aServerIpBelongsToOneNodeOfAllCustomers() throws Exception {
    AdminApiTest.Tenant a = tenant();
    AdminApiTest.Tenant b = tenant();
    assertEquals(201, create(a, "first", "20.62.0.1", "3.0.0.0/24").status());
    AdminHarness.Reply taken = create(b, "second", "20.62.0.1", "3.0.1.0/24");
    AdminApiTest.assertProblem(taken, 409, "serverIp");
    assertFalse(taken.raw().body().contains(a.id()) || taken.raw().body().contains("first"), taken.raw().body());
    String id = create(b, "third", "20.62.0.2", "3.0.2.0/24").body().get("id").asText();
    AdminApiTest.assertProblem(h.call("PATCH", "/api/v1/nodes/" + id, b.key(), "{\"serverIp\":\"20.62.0.1\"}"), 409, "serverIp");
  }

  @Test
  void aRequestBeyondTheCeilingIsRefusedOutright() throws Exception {
    AdminApiTest.Tenant c = tenant();
    AdminHarness.Reply squat = create(c, "squat", "20.63.0.1", "0.0.0.0/1, 128.0.0.0/1");
    AdminApiTest.assertProblem(squat, 400, "cidrBlocks");
    assertTrue(squat.body().get("detail").asText().contains("ceiling"), squat.raw().body());
    AdminHarness.Reply six = create(c, "squat6", "20.63.0.2", "2000::/3");
    AdminApiTest.assertProblem(six, 400, "cidrBlocks");
    assertEquals(0, h.call("GET", "/api/v1/nodes", c.key(), null).body().size());
  }
}

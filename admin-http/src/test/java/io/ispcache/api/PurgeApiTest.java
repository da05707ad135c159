package io.ispcache.api;

import static io.ispcache.api.AdminApiTest.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/v1/purges}: operator only, every bad request refused with its field, durable. */
class PurgeApiTest {
  static final String OP = AdminHarness.OPERATOR_KEY;
  static final String PURGES = "/api/v1/purges";

  static long last(AdminHarness h) throws Exception {
    var r = h.call("GET", PURGES, OP, null);
    assertEquals(200, r.status(), r.raw().body());
    return r.body().get("last").asLong();
  }

  @Test
  void operatorPurgesAUrlAndAPrefixAndTheyAreListedInOrderAfterARestart(@TempDir Path dir) throws Exception {
    Instant start = Instant.now().minusSeconds(1);
    JsonNode one;
    JsonNode under;
    try (AdminHarness h = new AdminHarness(dir)) {
      var r = h.call("POST", PURGES, OP, "{\"url\":\"http://download.windowsupdate.com/c/msdownload/x.cab\"}");
      assertEquals(201, r.status(), r.raw().body());
      one = r.body();
      assertEquals(1, one.get("seq").asLong());
      assertEquals("http://download.windowsupdate.com/c/msdownload/x.cab", one.get("url").asText());
      assertTrue(one.get("prefix").isNull());
      assertEquals("download.windowsupdate.com/c/msdownload/x.cab", one.get("cacheKey").asText());
      assertEquals("operator", one.get("by").asText());
      assertTrue(Instant.parse(one.get("at").asText()).isAfter(start));

      r = h.call("POST", PURGES, OP, "{\"prefix\":\"https://origin.example.net/games/title?v=2\"}");
      assertEquals(201, r.status(), r.raw().body());
      under = r.body();
      assertEquals(2, under.get("seq").asLong());
      assertEquals("origin.example.net/games/title?v=2", under.get("cacheKey").asText(), "the scheme is not part of a key");

      var after1 = h.call("GET", PURGES + "?after=1", OP, null);
      assertEquals(1, after1.body().get("purges").size());
      assertEquals(under, after1.body().get("purges").get(0));
      assertEquals(1, h.call("GET", PURGES + "?limit=1", OP, null).body().get("purges").size());
    }
    try (AdminHarness again = new AdminHarness(dir)) {
      var all = again.call("GET", PURGES, OP, null);
      assertEquals(200, all.status(), all.raw().body());
      assertEquals(2, all.body().get("last").asLong());
      assertEquals(one, all.body().get("purges").get(0), "who, when and what survive a restart");
      assertEquals(under, all.body().get("purges").get(1));
    }
  }

  @Test
  void onlyTheOperatorPurgesOrListsPurgesAndBadRequestsNameTheirField(@TempDir Path dir) throws Exception {
    try (AdminHarness h = new AdminHarness(dir)) {
      var c = h.call("POST", "/api/v1/customers", OP, "{\"name\":\"Purging ISP\"}");
      String key = h.call("POST", "/api/v1/customers/" + c.body().get("id").asText() + "/keys", OP, null).body().get("apiKey").asText();
      String good = "{\"url\":\"http://download.windowsupdate.com/a.cab\"}";
      assertProblem(h.call("POST", PURGES, key, good), 403, null);
      assertProblem(h.call("GET", PURGES, key, null), 403, null);
      assertProblem(h.call("POST", PURGES, null, good), 401, null);
      assertProblem(h.call("GET", PURGES, "not-a-key", null), 401, null);

      assertProblem(h.call("POST", PURGES, OP, "{}"), 400, "url");
      assertProblem(h.call("POST", PURGES, OP, "{\"url\":\"http://download.windowsupdate.com/a\",\"prefix\":\"http://download.windowsupdate.com/\"}"), 400, "prefix");
      assertProblem(h.call("POST", PURGES, OP, "{\"url\":\"\"}"), 400, "url");
      assertProblem(h.call("POST", PURGES, OP, "{\"url\":\"http://download.windowsupdate.com/a b\"}"), 400, "url");
      assertProblem(h.call("POST", PURGES, OP, "{\"url\":\"/c/msdownload/x.cab\"}"), 400, "url");
      assertProblem(h.call("POST", PURGES, OP, "{\"url\":\"ftp://download.windowsupdate.com/x.cab\"}"), 400, "url");
      assertProblem(h.call("POST", PURGES, OP, "{\"url\":\"http://user:secret@download.windowsupdate.com/x.cab\"}"), 400, "url");
      assertProblem(h.call("POST", PURGES, OP, "{\"url\":\"http://download.windowsupdate.com/x.cab#part\"}"), 400, "url");
      var notAllowed = h.call("POST", PURGES, OP, "{\"url\":\"http://evil.example.com/x.cab\"}");
      assertProblem(notAllowed, 400, "url");
      assertTrue(notAllowed.body().get("detail").asText().contains("allowlist"), notAllowed.raw().body());
      assertProblem(h.call("POST", PURGES, OP, "{\"prefix\":\"http://evil.example.com/dir/\"}"), 400, "prefix");
      assertProblem(h.call("POST", PURGES, OP, "{\"url\":\"http://download.windowsupdate.com/" + "a".repeat(5000) + "\"}"), 400, "url");
      assertProblem(h.call("POST", PURGES, OP, "{\"prefix\":\"http://download.windowsupdate.com/\"}"), 400, "all");
      assertProblem(h.call("POST", PURGES, OP, "{\"prefix\":\"http://download.windowsupdate.com\"}"), 400, "all");
      assertProblem(h.call("POST", PURGES, OP, "{\"prefix\":\"http://download.windowsupdate.com/\",\"all\":false}"), 400, "all");
      assertProblem(h.call("POST", PURGES, OP, "{\"url\":\"http://download.windowsupdate.com/a\",\"all\":true}"), 400, "all");
      assertProblem(h.call("POST", PURGES, OP, "{\"prefix\":\"http://download.windowsupdate.com/\",\"all\":\"yes\"}"), 400, "all");
      assertProblem(h.call("POST", PURGES, OP, "{\"url\":\"http://download.windowsupdate.com/a\",\"reason\":\"x\"}"), 400, "reason");
      assertProblem(h.call("POST", PURGES, OP, "{\"url\":42}"), 400, "url");
      assertProblem(h.call("POST", PURGES, OP, "not json"), 400, null);
      assertProblem(h.call("GET", PURGES + "?limit=0", OP, null), 400, "limit");
      assertProblem(h.call("GET", PURGES + "?limit=1001", OP, null), 400, "limit");
      assertProblem(h.call("GET", PURGES + "?after=-1", OP, null), 400, "after");
      assertProblem(h.call("GET", PURGES + "?after=x", OP, null), 400, "after");
      assertEquals(0, last(h), "nothing refused was recorded");

      var whole = h.call("POST", PURGES, OP, "{\"prefix\":\"http://origin.example.net/\",\"all\":true}");
      assertEquals(201, whole.status(), whole.raw().body());
      assertEquals("origin.example.net/", whole.body().get("cacheKey").asText());
      assertEquals(1, last(h));
    }
  }
}

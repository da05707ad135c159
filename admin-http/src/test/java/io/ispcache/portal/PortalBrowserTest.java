package io.ispcache.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.ispcache.api.AdminHarness;
import io.ispcache.report.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.interactions.Actions;

/**
 * The portal in a real headless Chromium, as an operator and as customers use it: customers and
 * keys, nodes created (and refused at the field the API names), reviewed, edited, re-keyed and
 * deleted, and the traffic nodes reported in charts and tables. Every test ends with a console
 * free of errors; every page is saved as a screenshot under target/portal-screenshots.
 */
class PortalBrowserTest {
  static final String OP = AdminHarness.OPERATOR_KEY;
  @TempDir static Path dir;
  static AdminHarness h;
  static TestClock clock;
  static PortalBrowser b;
  static int seq;

  @BeforeAll
  static void start() throws Exception {
    // Reports end at the last whole minute: the clock is moved to close one rather than waited for.
    clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.MINUTES).plusSeconds(5));
    h = new AdminHarness(dir.resolve("data"), ConfigFactory.parseString("ispcache.admin.heartbeat-save-interval = 1s"), null, clock);
    b = new PortalBrowser(h.uri("/"), dir);
  }

  @AfterEach
  void consoleStaysClean() {
    b.assertNoConsoleErrors();
  }

  @AfterAll
  static void stop() {
    if (b != null) {
      b.close();
    }
    if (h != null) {
      h.close();
    }
  }

  /** A customer made through the API, with its key and one resource. */
  record Tenant(String id, String name, String key, String resourceId) {}

  static Tenant tenant() throws Exception {
    String name = "Browser ISP " + (++seq);
    String id = h.call("POST", "/api/v1/customers", OP, "{\"name\":\"" + name + "\"}").body().get("id").asText();
    String key = h.call("POST", "/api/v1/customers/" + id + "/keys", OP, null).body().get("apiKey").asText();
    String resource = h.call("POST", "/api/v1/resources", key, "{\"name\":\"north\"}").body().get("id").asText();
    return new Tenant(id, name, key, resource);
  }

  static JsonNode node(Tenant t, String name, String serverIp, String blocks) throws Exception {
    var r = h.call("POST", "/api/v1/nodes", t.key(), "{\"resourceId\":\"" + t.resourceId() + "\",\"name\":\"" + name + "\",\"serverIp\":\""
        + serverIp + "\",\"cidrBlocks\":\"" + blocks + "\",\"drives\":[{\"path\":\"/srv/cache1\",\"sizeGb\":1800}]}");
    assertEquals(201, r.status(), r.raw().body());
    return r.body();
  }

  WebElement row(String table, String id) {
    return b.find("#" + table + " tr[data-id='" + id + "']");
  }

  @Test
  void operatorCreatesACustomerIssuesAKeyAndTheCustomerSignsInWithIt() throws Exception {
    b.signIn(OP);
    assertEquals("Operator", b.find("#who").getText());
    assertEquals(List.of("Overview", "Cache nodes", "Customers", "IP-space review", "Cluster"),
        b.driver.findElements(By.cssSelector("#nav a")).stream().map(WebElement::getText).toList());
    b.go("customers", "customers");
    b.find("#createCustomer button[type=submit]").click();
    b.errorAt("createCustomer", "name", "the customer name must be 1-200 characters");

    b.fill("#customer-name", "Nordic Fibre");
    b.find("#createCustomer button[type=submit]").click();
    b.waitForMessage("Created customer Nordic Fibre.");
    String id = findCustomer("Nordic Fibre");
    WebElement customer = row("customers", id);
    assertTrue(customer.getText().contains("0"), "no keys yet: " + customer.getText());
    customer.findElement(By.cssSelector("button.issue-key")).click();
    b.waitForMessage("Issued an API key for Nordic Fibre.");
    String shown = b.find("#issuedKey pre").getText();
    assertTrue(shown.contains("Customer ID: " + id), shown);
    String key = shown.lines().filter(l -> l.startsWith("API key: ")).findFirst().orElseThrow().substring(9);
    assertTrue(b.find("#issuedKey .warning").getText().contains("Shown once"));
    b.screenshot("operator-customers");
    b.go("cluster", "cluster");
    assertTrue(b.find("#members tbody").getText().contains("Up"), "the admin node is an Up member");
    b.screenshot("operator-cluster");

    b.signOut();
    b.waitForMessage("Signed out.");
    b.signIn(key);
    assertEquals("Nordic Fibre", b.find("#who").getText());
    assertEquals(List.of("Overview", "Cache nodes"), b.driver.findElements(By.cssSelector("#nav a")).stream().map(WebElement::getText).toList());
    b.driver.navigate().refresh();
    b.waitForPage("overview");
    assertEquals("Nordic Fibre", b.find("#who").getText(), "a reload keeps the tab signed in");
    b.go("customers", "overview"); // operator pages are not a customer's: the overview answers instead
    b.signOut();
    assertEquals("", (String) b.driver.executeScript("return sessionStorage.getItem('ispcache.apiKey') || ''"), "signing out forgets the key");
  }

  static String findCustomer(String name) throws Exception {
    for (JsonNode c : h.call("GET", "/api/v1/customers", OP, null).body()) {
      if (c.get("name").asText().equals(name)) {
        return c.get("id").asText();
      }
    }
    throw new AssertionError("no customer " + name);
  }

  @Test
  void aWrongKeyIsExplainedOnTheSignInPage() {
    b.open();
    b.find("#signIn").click();
    b.waitForMessage("Enter an API key.");
    b.fill("#apiKey", "not-a-key");
    b.find("#apiKey").sendKeys(Keys.ENTER); // the form works from the keyboard
    b.waitForMessage("the key is missing or not valid");
    assertEquals("error", b.find("#message").getAttribute("class"));
    assertTrue(b.driver.findElement(By.id("app")).getAttribute("hidden") != null, "nothing of the portal is shown");
  }

  @Test
  void aKeyReplacedMeanwhileSignsTheTabOut() throws Exception {
    Tenant t = tenant();
    b.signIn(t.key());
    assertEquals(200, h.call("POST", "/api/v1/keys/rotate", t.key(), null).status()); // from a script, say
    b.find("#nav a[data-page='nodes']").click();
    b.waitForMessage("Your key is no longer valid; sign in again.");
    b.find("#apiKey");
    assertEquals("", (String) b.driver.executeScript("return sessionStorage.getItem('ispcache.apiKey') || ''"));
  }

  @Test
  void customerReplacesItsOwnKeyAndTheTabCarriesOnWithTheNewOne() throws Exception {
    Tenant t = tenant();
    b.signIn(t.key());
    b.find("#replaceKey").click();
    assertTrue(b.find("dialog#confirm").getText().contains("stops working at once"));
    b.find("dialog#confirm #confirmYes").click();
    b.waitForMessage("Replaced your API key; this tab uses the new one.");
    String key = b.find("#replacedKey pre").getText().replaceFirst("^API key: ", "");
    assertEquals(401, h.call("GET", "/api/v1/me", t.key(), null).status(), "the old key stopped working");
    assertEquals(t.id(), h.call("GET", "/api/v1/me", key, null).body().get("customerId").asText());
    b.go("nodes", "nodes");
    assertEquals(t.name(), b.find("#who").getText(), "still signed in, with the new key");
  }

  @Test
  void customerCreatesNodesAndReadsTheApisRefusalsAtTheirFields() throws Exception {
    Tenant t = tenant();
    b.signIn(t.key());
    b.go("nodes", "nodes");
    b.fill("#name", "edge1");
    b.fill("#serverIp", "20.60.0.1");
    b.fill("#cidrBlocks", "41.0.0.0/24, 5.0/16");
    b.fill("#maxEgressMbps", "10000");
    b.fill("#newdrivePath1", "/srv/cache1");
    b.fill("#newdriveSize1", "1800");
    b.screenshot("nodes-create-form");
    b.find("#createNode button[type=submit]").click();
    WebElement blocks = b.errorAt("createNode", "cidrBlocks", "5.0/16");
    assertEquals("cidrBlocks", b.driver.switchTo().activeElement().getAttribute("name"), "the field in error has the focus");
    b.screenshot("nodes-create-refused");

    blocks.clear();
    blocks.sendKeys("41.0.0.0/24\n41.0.1.0/24");
    b.fill("#serverIp", "10.0.0.1");
    b.find("#createNode button[type=submit]").click();
    b.errorAt("createNode", "serverIp", "publicly reachable");
    b.fill("#serverIp", "20.60.0.1");
    b.fill("#newdrivePath1", "srv/cache1");
    b.find("#createNode button[type=submit]").click();
    b.errorAt("createNode", "drives", "absolute path");
    b.fill("#newdrivePath1", "/srv/cache1");
    b.fill("#name", "edge 1");
    b.find("#createNode button[type=submit]").click();
    b.errorAt("createNode", "name", "letters or digits");
    b.fill("#name", "edge1");
    b.find("#createNode button[type=submit]").click();
    b.waitForMessage("Created cache node edge1: VALID.");
    String keys = b.find("#createResult pre").getText();
    JsonNode edge1 = h.call("GET", "/api/v1/nodes", t.key(), null).body().get(0);
    assertEquals("41.0.0.0/24, 41.0.1.0/24", edge1.get("cidrBlocks").asText(), "blocks typed one per line");
    assertEquals(10000, edge1.get("maxEgressMbps").asInt());
    assertEquals("/srv/cache1", edge1.get("drives").get(0).get("path").asText());
    assertTrue(keys.contains("Cache node ID: " + edge1.get("id").asText()), keys);
    String install = b.find("#installCommand").getText();
    assertTrue(install.contains("--drive /srv/cache1:1676GiB"), install);
    assertTrue(install.contains("--customer-id " + t.id() + " --cache-node-id " + edge1.get("id").asText()), install);
    String nodeKey = keys.lines().filter(l -> l.startsWith("Node key: ")).findFirst().orElseThrow().substring(10);
    assertTrue(install.contains("--node-key " + nodeKey), install);
    assertTrue(install.contains("--registry-url " + h.uri("").toString()), install);
    assertTrue(row("nodes", edge1.get("id").asText()).getText().contains("512 IPv4"));

    // 50,001 addresses: one more than MCC's limit for space valid without review.
    b.fill("#name", "bigedge");
    b.fill("#serverIp", "20.60.0.2");
    b.fill("#cidrBlocks", "47.0.0.0/17, 47.0.128.0/18, 47.0.192.0/23, 47.0.194.0/24, 47.0.195.0/26, 47.0.195.64/28, 47.0.195.80/32");
    b.find("#createNode button[type=submit]").click();
    b.waitForMessage("Created cache node bigedge: IN_REVIEW");
    String big = h.call("GET", "/api/v1/nodes", t.key(), null).body().findValues("id").stream().map(JsonNode::asText)
        .filter(id -> !id.equals(edge1.get("id").asText())).findFirst().orElseThrow();
    WebElement bigRow = row("nodes", big);
    assertTrue(bigRow.getText().contains("50,001 IPv4"), bigRow.getText());
    assertTrue(bigRow.getText().contains("In review"), bigRow.getText());
    assertTrue(bigRow.getText().contains(t.name()), "the customer's name, not its id: " + bigRow.getText());
    b.screenshot("nodes");
  }

  @Test
  void nodeTablesSearchSortAndPage() throws Exception {
    Tenant t = tenant();
    for (int i = 1; i <= 30; i++) {
      node(t, "pop" + String.format("%02d", i), "20.70.0." + i, "43." + i + ".0.0/24");
    }
    b.signIn(t.key());
    b.go("nodes", "nodes");
    assertEquals("Rows 1–25 of 30", b.find(".page-info").getText());
    b.find(".pager .next").click();
    b.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".page-info"), "Rows 26–30 of 30"));
    assertTrue(b.find("#nodes tbody").getText().contains("pop30"));
    b.find("#nodes th[data-key='name'] button").click(); // ascending
    b.find("#nodes th[data-key='name'] button").click(); // descending
    assertEquals("descending", b.find("#nodes th[data-key='name']").getAttribute("aria-sort"));
    b.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#nodes tbody tr:first-child"), "pop05"));
    b.fill("#nodes-search", "20.70.0.17");
    b.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".page-info"), "Rows 1–1 of 1"));
    assertTrue(b.find("#nodes tbody").getText().contains("pop17"));
    b.fill("#nodes-search", "no such node");
    b.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#nodes tbody"), "No row matches the search."));
  }

  @Test
  void operatorApprovesLargeIpSpaceAndRejectsOnlyWithAReason() throws Exception {
    Tenant t = tenant();
    String large = node(t, "review1", "20.80.0.1", "48.0.0.0/15").get("id").asText();
    Tenant other = tenant();
    node(other, "holder", "20.80.0.2", "49.0.0.0/24");
    String overlapping = node(t, "overlap", "20.80.0.3", "49.0.0.0/25").get("id").asText();
    b.signIn(OP);
    b.go("review", "review");
    WebElement overlapRow = row("review", overlapping);
    assertTrue(overlapRow.getText().contains("Attention required"), overlapRow.getText());
    assertTrue(overlapRow.getText().contains("Conflict: 49.0.0.0/25 overlaps 49.0.0.0/24"), "operators read the conflict: " + overlapRow.getText());
    assertTrue(row("review", large).getText().contains("131,072 IPv4"));
    b.screenshot("operator-review");

    overlapRow.findElement(By.cssSelector("button.reject")).click();
    b.errorAt("review tr[data-id='" + overlapping + "'] form", "reason", "a rejection needs a reason");
    row("review", overlapping).findElement(By.cssSelector("input.reason-input")).sendKeys("the block belongs to another ISP");
    row("review", overlapping).findElement(By.cssSelector("button.reject")).click();
    b.waitForMessage("Rejected the IP space of overlap (" + t.name() + ")");
    assertEquals("the block belongs to another ISP",
        h.call("GET", "/api/v1/nodes/" + overlapping, t.key(), null).body().get("statusReason").asText().replaceFirst("^.*: ", ""));

    row("review", large).findElement(By.cssSelector("button.approve")).click();
    b.waitForMessage("Approved the IP space of review1 (" + t.name() + ")");
    assertEquals("VALID", h.call("GET", "/api/v1/nodes/" + large, t.key(), null).body().get("ipSpaceStatus").asText());
    b.wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("#review tr[data-id='" + large + "']")));
  }

  @Test
  void customerEditsRotatesTheKeyOfAndDeletesANode() throws Exception {
    Tenant t = tenant();
    JsonNode created = node(t, "metro1", "20.90.0.1", "44.0.0.0/24");
    String id = created.get("id").asText();
    String oldKey = created.get("activationKeys").get("nodeKey").asText();
    b.signIn(t.key());
    b.go("nodes/" + id, "node");
    assertTrue(b.find("#nodeDetails").getText().contains("44.0.0.0/24"), b.find("#nodeDetails").getText());
    String install = b.find("#installCommand").getText();
    assertTrue(install.contains("--node-key NODE_KEY") && install.contains("--cache-node-id " + id), install);

    b.fill("#edit-cidrBlocks", "44.0.0.0/24, 44.0.0.0/33");
    b.find("#editNode button[type=submit]").click();
    b.errorAt("editNode", "cidrBlocks", "44.0.0.0/33");
    b.fill("#edit-cidrBlocks", "44.0.0.0/24, 44.0.1.0/24");
    b.fill("#edit-serverIp", "20.90.0.9");
    b.fill("#edit-maxEgressMbps", "2500");
    b.find("#edit-enabled").click();
    b.find("#editNode button[type=submit]").click();
    b.waitForMessage("Saved metro1: VALID.");
    JsonNode saved = h.call("GET", "/api/v1/nodes/" + id, t.key(), null).body();
    assertEquals("20.90.0.9", saved.get("serverIp").asText());
    assertEquals(2500, saved.get("maxEgressMbps").asInt());
    assertFalse(saved.get("enabled").asBoolean());
    b.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#history tbody"), "serverIp 20.90.0.1 -> 20.90.0.9"));
    assertTrue(b.find("#history tbody").getText().contains("customer " + t.name()), "the history names who: " + b.find("#history tbody").getText());

    b.find("#rotateKey").click();
    b.find("dialog#confirm #confirmNo").click();
    b.wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("confirm")));
    b.find("#rotateKey").click();
    b.find("dialog#confirm #confirmYes").click();
    b.waitForMessage("Rotated the node key of metro1.");
    String newKey = b.find("#rotatedKey pre").getText().lines().filter(l -> l.startsWith("Node key: ")).findFirst().orElseThrow().substring(10);
    assertFalse(newKey.equals(oldKey));
    assertTrue(b.find("#installCommand").getText().contains("--node-key " + newKey), "the install command carries the new key");
    assertEquals(401, activate(t.id(), id, oldKey), "the old key stopped working");
    assertEquals(200, activate(t.id(), id, newKey));
    b.screenshot("node");

    b.find("#deleteNode").click();
    assertTrue(b.find("dialog#confirm").getText().contains("This cannot be undone."), b.find("dialog#confirm").getText());
    new Actions(b.driver).sendKeys(Keys.ESCAPE).perform(); // Escape cancels
    b.wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("confirm")));
    assertEquals(200, h.call("GET", "/api/v1/nodes/" + id, t.key(), null).status());
    b.find("#deleteNode").click();
    b.find("dialog#confirm #confirmYes").click();
    b.waitForMessage("Deleted cache node metro1.");
    b.find("#nodes");
    b.waitForPage("nodes");
    assertEquals(404, h.call("GET", "/api/v1/nodes/" + id, t.key(), null).status());
    assertTrue(b.driver.findElements(By.cssSelector("#nodes tr[data-id='" + id + "']")).isEmpty());
  }

  static int activate(String customer, String node, String key) throws Exception {
    return h.call("POST", "/api/v1/agent/activate", null,
        "{\"customerId\":\"" + customer + "\",\"cacheNodeId\":\"" + node + "\",\"nodeKey\":\"" + key + "\"}").status();
  }

  @Test
  void overviewAndNodeChartsShowWhatTheNodeReportedWithTheirNumbersAndCsv() throws Exception {
    Tenant t = tenant();
    JsonNode created = node(t, "charted", "20.95.0.1", "45.0.0.0/24");
    String id = created.get("id").asText();
    String key = created.get("activationKeys").get("nodeKey").asText();
    Instant minute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
    heartbeat(t.id(), id, key, 0, 0, 0, 0, 0);
    // Five minutes of traffic, hit and miss bytes per minute (MB); the node sends cumulative counters.
    long[][] minutes = {{100, 100}, {300, 100}, {200, 100}, {450, 150}, {750, 250}};
    long hit = 0;
    long miss = 0;
    long requests = 0;
    for (int i = 0; i < minutes.length; i++) {
      hit += minutes[i][0] * 1_000_000;
      miss += minutes[i][1] * 1_000_000;
      requests += 100;
      clock.set(minute.plusSeconds(60L * i + 30));
      heartbeat(t.id(), id, key, hit, miss, miss, requests, requests * 3 / 4);
    }
    clock.set(minute.plusSeconds(60L * minutes.length + 5)); // the last minute is over: reports end with it
    long hitTotal = hit;
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> h.call("GET", "/api/v1/report/traffic/nodes/" + id + "?range=1h", t.key(), null).body().get("totals").get("hitBytes").asLong(),
            v -> v == hitTotal);

    b.signIn(t.key());
    assertEquals("133.33 Mbit/s", b.find("#egressNow .tile-value").getText(), "1 GB in the last minute");
    assertEquals("72 %", b.find("#efficiency .tile-value").getText(), "1,800 MB of 2,500 MB from the drives");
    assertEquals("1.8 GB", b.find("#saved .tile-value").getText(), "bytes sent that were not fetched from the origin");
    assertEquals("1", b.find("#healthyNodes .tile-value").getText());
    b.wait.until(ExpectedConditions.attributeToBe(By.id("overview-traffic"), "data-drawn", "true"));
    assertFalse(b.driver.findElements(By.cssSelector("#overview-traffic canvas")).isEmpty(), "uPlot drew the chart");
    String numbers = b.driver.findElement(By.id("overview-traffic-numbers")).getAttribute("textContent");
    assertTrue(numbers.contains("133.333"), "the chart's numbers are in its table");
    b.driver.findElement(By.id("overviewRange-1h")).findElement(By.xpath("..")).click();
    b.waitForPage("overview");
    b.wait.until(ExpectedConditions.attributeToBe(By.id("overview-efficiency"), "data-drawn", "true"));
    b.screenshot("overview");

    b.find("#overview-traffic-csv").click();
    Path csv = b.downloads.resolve("ispcache-traffic-1h.csv");
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> Files.exists(csv));
    List<String> lines = Files.readAllLines(csv);
    assertTrue(lines.get(0).contains("egressMbps"), lines.get(0));
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("total") && l.contains("1800000000")), String.join("\n", lines));

    b.go("nodes/" + id, "node");
    b.wait.until(ExpectedConditions.attributeToBe(By.id("node-traffic"), "data-drawn", "true"));
    assertTrue(b.driver.findElement(By.id("node-efficiency-numbers")).getAttribute("textContent").contains("75.0 %"));
    assertTrue(b.find("#nodeDetails").getText().contains("Healthy"));
    b.screenshot("node-charts");
  }

  static void heartbeat(String customer, String node, String key, long hit, long miss, long origin, long requests, long hitRequests) throws Exception {
    var r = h.call("POST", "/api/v1/agent/heartbeat", null, "{\"customerId\":\"" + customer + "\",\"cacheNodeId\":\"" + node + "\",\"nodeKey\":\""
        + key + "\",\"healthy\":true,\"hitBytes\":" + hit + ",\"missBytes\":" + miss + ",\"egressBytes\":" + (hit + miss) + ",\"requests\":" + requests
        + ",\"diskUsedBytes\":400000000000,\"diskCapacityBytes\":1800000000000,\"peerBytes\":0,\"originBytes\":" + origin + ",\"hitRequests\":"
        + hitRequests + ",\"errors\":0}");
    assertEquals(200, r.status(), r.raw().body());
  }

  @Test
  void pagesFitANarrowWindow() throws Exception {
    Tenant t = tenant();
    String id = node(t, "narrow", "20.99.0.1", "46.0.0.0/24").get("id").asText();
    b.signIn(t.key());
    try {
      b.resize(420, 900);
      for (String[] page : List.of(new String[] {"overview", "overview"}, new String[] {"nodes", "nodes"}, new String[] {"nodes/" + id, "node"})) {
        b.go(page[0], page[1]);
        long overflow = (Long) b.driver.executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertEquals(0, overflow, page[0] + " scrolls sideways at 420 px (only wide tables may, inside their box)");
        b.screenshot("narrow-" + page[0].replace('/', '-').replace(id, "node"));
      }
    } finally {
      b.resize(1280, 900);
    }
  }
}

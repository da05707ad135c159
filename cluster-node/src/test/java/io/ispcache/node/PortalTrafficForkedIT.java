package io.ispcache.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ispcache.testing.NodeProcess;
import io.ispcache.testing.TestContent;
import io.ispcache.testing.TestOrigin;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The portal's figures come from a real cache node: an admin process and a cache process whose
 * agent reports to it, real downloads through the cache (a miss, then a hit), and the overview and
 * the node's page in headless Chromium show them; so do they after the admin process restarts,
 * from the registry's database.
 */
class PortalTrafficForkedIT {
  static final String HOST = "origin.example.net";
  static final String OP = "operator-key-for-portal-traffic-0123";
  static final ObjectMapper JSON = new ObjectMapper();
  static final int SIZE = 8 * 1024 * 1024;
  static final Path SCREENSHOTS = Path.of("target", "portal-screenshots");

  @TempDir Path dir;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
  TestOrigin origin;
  NodeProcess admin;
  NodeProcess cache;
  ChromeDriver browser;
  int adminPort;

  @AfterEach
  void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    for (NodeProcess p : new NodeProcess[] {cache, admin}) {
      if (p != null) {
        p.close();
      }
    }
    if (origin != null) {
      origin.close();
    }
  }

  NodeProcess start(String name, String roles, int content, int health, String extra) throws Exception {
    int remote = NodeProcess.freePort();
    Path conf = dir.resolve(name + ".conf");
    Files.writeString(conf, String.join("\n",
        "ispcache.data-dir = \"" + dir.resolve(name) + "\"",
        "ispcache.content { interface = \"127.0.0.1\", port = " + content + " }",
        "ispcache.health { interface = \"127.0.0.1\", port = " + health + " }",
        "ispcache.peer { interface = \"127.0.0.1\", port = " + NodeProcess.freePort() + " }",
        "ispcache.admin { interface = \"127.0.0.1\", port = " + adminPort + ", operator-key = \"" + OP + "\", heartbeat-save-interval = 1s }",
        "ispcache.store.drives = [ { path = ${ispcache.data-dir}\"/drive-1\", size = 1GiB } ]",
        "ispcache.origins = [ { name = \"test\", hosts = [\"" + HOST + "\"], upstream-address = \"127.0.0.1:" + origin.port() + "\" } ]",
        "akka.management.http { hostname = \"127.0.0.1\", port = " + NodeProcess.freePort() + " }",
        "akka.remote.artery.canonical { hostname = \"127.0.0.1\", port = " + remote + " }",
        "akka.cluster.roles = " + roles,
        "akka.cluster.seed-nodes = [\"akka://ispcache@127.0.0.1:" + remote + "\"]",
        extra));
    return NodeProcess.start(conf, NodeProcess.logFile("PortalTrafficForkedIT-" + name), "-Xmx384m");
  }

  JsonNode api(String method, String path, String key, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/api/v1" + path))
        .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + key);
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<String> r = http.send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertTrue(r.statusCode() < 300, method + " " + path + ": " + r.statusCode() + " " + r.body());
    return JSON.readTree(r.body());
  }

  void awaitAdmin() {
    Awaitility.await("the admin API answering").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> api("GET", "/me", OP, null).get("operator").asBoolean());
  }

  void download(int contentPort) throws Exception {
    HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + contentPort + "/p/update.cab?cacheHostOrigin=" + HOST).toURL().openConnection();
    c.setConnectTimeout(2000);
    c.setReadTimeout(20_000);
    assertEquals(200, c.getResponseCode());
    try (InputStream in = c.getInputStream()) {
      TestContent.assertSameBytes(in, 1807, 0, SIZE);
    }
  }

  @Test
  void overviewAndNodePageShowWhatARealNodeServedAndKeepItAcrossAnAdminRestart() throws Exception {
    origin = new TestOrigin();
    origin.put("/p/update.cab", SIZE, 1807, "application/octet-stream", "\"u1\"", null);
    adminPort = NodeProcess.freePort();
    int adminHealth = NodeProcess.freePort();
    admin = start("admin", "[\"admin\"]", NodeProcess.freePort(), adminHealth, "");
    awaitAdmin();

    String customer = api("POST", "/customers", OP, "{\"name\":\"Fjord Net\"}").get("id").asText();
    String key = api("POST", "/customers/" + customer + "/keys", OP, null).get("apiKey").asText();
    String resource = api("POST", "/resources", key, "{\"name\":\"west\"}").get("id").asText();
    JsonNode keys = api("POST", "/nodes", key, "{\"resourceId\":\"" + resource + "\",\"name\":\"bergen1\",\"serverIp\":\"20.40.0.1\","
        + "\"cidrBlocks\":\"46.0.0.0/24\",\"drives\":[{\"path\":\"/srv/cache1\",\"sizeGb\":1000}]}").get("activationKeys");
    String nodeId = keys.get("cacheNodeId").asText();

    int content = NodeProcess.freePort();
    int health = NodeProcess.freePort();
    cache = start("cache", "[\"cache\"]", content, health,
        "ispcache.agent { registry-url = \"http://127.0.0.1:" + adminPort + "\", customer-id = \"" + customer + "\", cache-node-id = \""
            + nodeId + "\", node-key = \"" + keys.get("nodeKey").asText() + "\", heartbeat-interval = 1s }");
    cache.awaitHealthy(URI.create("http://127.0.0.1:" + health + "/health"), Duration.ofSeconds(90));
    // Its first heartbeat is the baseline the traffic is counted from.
    Awaitility.await("the node's first heartbeat").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> api("GET", "/nodes/" + nodeId, key, null).get("healthy").asBoolean());

    download(content); // a miss: every byte from the origin
    download(content); // a hit: every byte from the node's drive
    assertTrue(origin.requestCount("/p/update.cab") > 0, "the first download was fetched from the origin");

    // A report ends at the last whole minute: wait for the minute the heartbeats fell in to be over.
    JsonNode totals = Awaitility.await("the node's traffic in a closed minute").atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1))
        .until(() -> api("GET", "/report/traffic/nodes/" + nodeId + "?range=1h", key, null).get("totals"),
            t -> t.get("egressBytes").asLong() == 2L * SIZE);
    // The node's own accounting: what it sent from stored chunks (a chunk read ahead during the miss
    // counts too) and what it sent while filling; together every byte sent, the origin asked once.
    assertEquals(2L * SIZE, totals.get("hitBytes").asLong() + totals.get("missBytes").asLong(), totals.toString());
    assertTrue(totals.get("hitBytes").asLong() >= SIZE, "the second download is all hits: " + totals);
    assertEquals(SIZE, totals.get("originBytes").asLong(), "fetched from the origin once: " + totals);
    assertEquals(2, totals.get("requests").asLong());
    assertEquals(1, totals.get("hitRequests").asLong());
    String efficiency = percent(totals.get("cacheEfficiency").asDouble());

    browser = browser();
    String saved = "8.39 MB"; // 16,777,216 bytes sent, 8,388,608 of them fetched from the origin
    showsTheFigures(key, nodeId, efficiency, saved, "real-node");

    // The cache node stops (its figures stay as they are), the admin process restarts on its database.
    cache.close();
    cache = null;
    admin.close();
    admin = start("admin", "[\"admin\"]", NodeProcess.freePort(), adminHealth, "");
    awaitAdmin();
    JsonNode after = api("GET", "/report/traffic/nodes/" + nodeId + "?range=1h", key, null).get("totals");
    for (String figure : List.of("egressBytes", "hitBytes", "missBytes", "originBytes", "requests", "hitRequests", "avgEgressMbps", "peakEgressMbps")) {
      assertEquals(totals.get(figure).asText(), after.get(figure).asText(), figure + " after the restart");
    }
    showsTheFigures(key, nodeId, efficiency, saved, "real-node-after-admin-restart");
  }

  /** The overview and the node's page, signed in as the customer, show the node's figures. */
  void showsTheFigures(String key, String nodeId, String efficiency, String saved, String name) throws Exception {
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    String base = "http://127.0.0.1:" + adminPort + "/";
    // The key is forgotten on the page the last visit left (idle), before the portal loads again.
    if (browser.getCurrentUrl().startsWith(base)) {
      browser.executeScript("sessionStorage.clear()");
    }
    browser.get(base);
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("apiKey"))).sendKeys(key);
    browser.findElement(By.id("signIn")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("main[data-ready='overview']")));
    assertEquals(efficiency, browser.findElement(By.cssSelector("#efficiency .tile-value")).getText());
    assertEquals(saved, browser.findElement(By.cssSelector("#saved .tile-value")).getText());
    assertTrue(browser.findElement(By.cssSelector("#egressRange .tile-note")).getText().contains("16.78 MB sent"),
        browser.findElement(By.cssSelector("#egressRange .tile-note")).getText());
    wait.until(ExpectedConditions.attributeToBe(By.id("overview-traffic"), "data-drawn", "true"));
    Files.createDirectories(SCREENSHOTS);
    screenshot(name + "-overview");

    browser.get(base + "#/nodes/" + nodeId);
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("main[data-ready='node']")));
    wait.until(ExpectedConditions.attributeToBe(By.id("node-traffic"), "data-drawn", "true"));
    String lead = browser.findElement(By.cssSelector("section[aria-labelledby='trafficTitle'] .lead")).getText();
    assertTrue(lead.contains("cache efficiency " + efficiency) && lead.contains("2 requests"), lead);
    screenshot(name + "-node");

    List<String> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage).toList();
    assertEquals(List.of(), errors, "errors on the browser console");
  }

  /** The whole page: the window is made as tall as the page for the screenshot, at most 6000 px. */
  void screenshot(String name) throws Exception {
    org.openqa.selenium.Dimension window = browser.manage().window().getSize();
    long height = (Long) browser.executeScript("return document.documentElement.scrollHeight");
    long chrome = window.getHeight() - (Long) browser.executeScript("return window.innerHeight");
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(window.getWidth(), (int) Math.min(6000, height + chrome)));
    try {
      Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    } finally {
      browser.manage().window().setSize(window);
    }
  }

  /** A ratio as the portal writes it: a percentage with at most two decimals. */
  static String percent(double ratio) {
    return java.math.BigDecimal.valueOf(ratio * 100).setScale(2, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString() + " %";
  }

  ChromeDriver browser() throws Exception {
    Path chromium = Path.of("/usr/bin/chromium");
    Path chromedriver = Path.of("/usr/bin/chromedriver");
    assertTrue(Files.isExecutable(chromium) && Files.isExecutable(chromedriver), "Debian chromium and chromium-driver must be installed (bin/test installs them)");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,1400",
        "--user-data-dir=" + Files.createDirectories(dir.resolve("profile")));
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build(), options);
  }
}

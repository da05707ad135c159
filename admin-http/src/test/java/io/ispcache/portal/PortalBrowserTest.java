package io.ispcache.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.api.AdminHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The portal in a real headless Chromium: an operator signs in and approves IP space. */
class PortalBrowserTest {
  @TempDir static Path dir;
  static AdminHarness h;
  static ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    h = new AdminHarness(dir.resolve("data"));
    Path chromium = Path.of("/usr/bin/chromium");
    Path driver = Path.of("/usr/bin/chromedriver");
    assertTrue(Files.isExecutable(chromium) && Files.isExecutable(driver), "Debian chromium and chromium-driver must be installed (bin/test installs them)");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,900",
        "--user-data-dir=" + Files.createDirectories(dir.resolve("profile")));
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile()).usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (h != null) {
      h.close();
    }
  }

  @Test
  void operatorSignsInSeesTheReviewQueueAndApprovesLargeIpSpace() throws Exception {
    String customer = h.call("POST", "/api/v1/customers", AdminHarness.OPERATOR_KEY, "{\"name\":\"Browser ISP\"}").body().get("id").asText();
    String key = h.call("POST", "/api/v1/customers/" + customer + "/keys", AdminHarness.OPERATOR_KEY, null).body().get("apiKey").asText();
    String resource = h.call("POST", "/api/v1/resources", key, "{\"name\":\"main\"}").body().get("id").asText();
    String nodeId = h.call("POST", "/api/v1/nodes", key,
        "{\"resourceId\":\"" + resource + "\",\"name\":\"bignode\",\"serverIp\":\"20.50.0.1\",\"cidrBlocks\":\"47.0.0.0/15\"}").body().get("id").asText();

    browser.get(h.uri("/").toString());
    browser.findElement(By.id("apiKey")).sendKeys(AdminHarness.OPERATOR_KEY);
    browser.findElement(By.id("signIn")).click();
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
    WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#review tr[data-id='" + nodeId + "']")));
    assertTrue(row.getText().contains("IN_REVIEW"), row.getText());
    assertTrue(browser.findElement(By.cssSelector("#nodes tr[data-id='" + nodeId + "']")).getText().contains("131072 IPv4"));

    row.findElement(By.cssSelector("button.approve")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Approved the IP space of bignode."));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#nodes tr[data-id='" + nodeId + "']"), "VALID"));
    Files.write(Path.of("target", "portal-after-approval.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));

    assertEquals("VALID", h.call("GET", "/api/v1/nodes/" + nodeId, key, null).body().get("ipSpaceStatus").asText());
  }

  @Test
  void wrongKeyIsExplainedOnThePage() {
    browser.get(h.uri("/").toString());
    browser.findElement(By.id("apiKey")).sendKeys("not-a-key");
    browser.findElement(By.id("signIn")).click();
    new WebDriverWait(browser, Duration.ofSeconds(15))
        .until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "the key is missing or not valid"));
    assertEquals("error", browser.findElement(By.id("message")).getAttribute("class"));
  }
}

package io.ispcache.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through the portal as a user would: the console is read after
 * every test, and each page can be saved as a screenshot under target/portal-screenshots.
 */
final class PortalBrowser implements AutoCloseable {
  static final Path SCREENSHOTS = Path.of("target", "portal-screenshots");
  /**
   * Chrome logs every 4xx answer of fetch as "Failed to load resource"; those of the API are its
   * refusals the page shows at their fields. Anything else at SEVERE (a script error, a CSP
   * violation, a file of the page missing, a 5xx) fails the test.
   */
  private static final Pattern EXPECTED_REFUSAL =
      Pattern.compile("\\S+/api/v1/\\S* - Failed to load resource: the server responded with a status of 4\\d\\d .*");

  final ChromeDriver driver;
  final WebDriverWait wait;
  final Path downloads;
  private final URI base;

  PortalBrowser(URI base, Path dir) throws Exception {
    this.base = base;
    Path chromium = Path.of("/usr/bin/chromium");
    Path chromedriver = Path.of("/usr/bin/chromedriver");
    assertTrue(Files.isExecutable(chromium) && Files.isExecutable(chromedriver), "Debian chromium and chromium-driver must be installed (bin/test installs them)");
    downloads = Files.createDirectories(dir.resolve("downloads"));
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,900",
        "--user-data-dir=" + Files.createDirectories(dir.resolve("profile")));
    options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(), "download.prompt_for_download", false));
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
    wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    Files.createDirectories(SCREENSHOTS);
  }

  /** Opens the portal signed out (a fresh tab state: sessionStorage cleared). */
  void open() {
    // The key is forgotten on the page the last step left (idle: steps wait for their page), before
    // the portal loads again; cleared after a load, it could go while the page calls the API with it.
    if (driver.getCurrentUrl().startsWith(base.toString())) {
      driver.executeScript("sessionStorage.clear()");
    }
    driver.get(base.toString());
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("apiKey")));
  }

  void signIn(String key) {
    open();
    driver.findElement(By.id("apiKey")).sendKeys(key);
    driver.findElement(By.id("signIn")).click();
    waitForPage("overview");
  }

  void signOut() {
    driver.findElement(By.id("signOut")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("apiKey")));
  }

  /** Goes to a page through the address (#/...) and waits until it has drawn its data. */
  void go(String hash, String page) {
    driver.get(base + "#/" + hash);
    waitForPage(page);
  }

  void waitForPage(String page) {
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("main[data-ready='" + page + "']")));
  }

  WebElement find(String css) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
  }

  void waitForMessage(String text) {
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), text));
  }

  /** Waits until the error shown at a form's field says {@code text}, and returns the field's control. */
  WebElement errorAt(String formId, String field, String text) {
    By error = By.cssSelector("#" + formId + " .field[data-field='" + field + "'] .field-error");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(error, text));
    WebElement input = driver.findElement(By.cssSelector("#" + formId + " .field[data-field='" + field + "'] input, #" + formId
        + " .field[data-field='" + field + "'] textarea"));
    assertEquals("true", input.getAttribute("aria-invalid"), field + " is marked invalid");
    return input;
  }

  void fill(String css, String text) {
    WebElement e = find(css);
    e.clear();
    e.sendKeys(text);
  }

  /** The whole page (the window is made as tall as the page for it, at most 6000 px), saved as name.png. */
  void screenshot(String name) throws Exception {
    Dimension window = driver.manage().window().getSize();
    long height = (Long) driver.executeScript("return document.documentElement.scrollHeight");
    long chrome = window.getHeight() - (Long) driver.executeScript("return window.innerHeight");
    driver.manage().window().setSize(new Dimension(window.getWidth(), (int) Math.min(6000, height + chrome)));
    try {
      Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    } finally {
      driver.manage().window().setSize(window);
    }
  }

  void resize(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
  }

  /** The console since the last call must hold no errors but the API's expected refusals. */
  void assertNoConsoleErrors() {
    List<String> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .filter(m -> !EXPECTED_REFUSAL.matcher(m).matches())
        .toList();
    assertEquals(List.of(), errors, "errors on the browser console");
  }

  @Override
  public void close() {
    driver.quit();
  }
}

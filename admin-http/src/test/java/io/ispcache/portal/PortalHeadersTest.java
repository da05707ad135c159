package io.ispcache.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.api.AdminHarness;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The portal's files carry the headers that keep the page from being framed, sniffed or fed
 * injected script, and the page still loads under its own Content-Security-Policy: no inline
 * script, style or handler, and every file it names is served with its own type.
 */
class PortalHeadersTest {
  @TempDir static Path dir;
  static AdminHarness h;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() {
    h = new AdminHarness(dir);
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  static HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(h.uri(path)).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static void assertProtected(HttpResponse<String> r) {
    String path = r.uri().getPath();
    assertEquals(200, r.statusCode(), path);
    String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
    for (String directive : List.of("default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'")) {
      assertTrue(csp.contains(directive), path + ": " + csp + " lacks " + directive);
    }
    assertFalse(csp.contains("unsafe"), csp);
    assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(null), path);
    assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null), path);
    assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(null), path);
  }

  @Test
  void thePageAndEveryFileItLoadsCarryTheSecurityHeaders() throws Exception {
    HttpResponse<String> page = get("/");
    assertProtected(page);
    assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));

    List<String> loaded = new ArrayList<>();
    Matcher m = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(page.body());
    while (m.find()) {
      if (!m.group(1).startsWith("#")) { // the skip link's target on the page itself
        loaded.add(m.group(1));
      }
    }
    assertTrue(loaded.containsAll(List.of("app.js", "portal.css", "vendor/uplot.js", "vendor/uplot.css")), loaded.toString());
    // The modules app.js imports are served the same way (a module served with another type does not run).
    loaded.addAll(PortalRoutes.FILES.keySet());
    Map<String, String> types = Map.of("js", "text/javascript", "css", "text/css", "svg", "image/svg+xml");
    for (String file : loaded) {
      HttpResponse<String> r = get("/" + file);
      assertProtected(r);
      String type = types.get(file.substring(file.lastIndexOf('.') + 1));
      assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith(type), file + " must be served as " + type + " (nosniff)");
    }
  }

  @Test
  void thePageHoldsNothingItsPolicyWouldBlock() throws Exception {
    String html = get("/").body();
    assertFalse(html.contains("<style"), "inline style: style-src 'self' blocks it");
    assertFalse(html.matches("(?s).*\\sstyle=.*"), "style attributes are blocked too");
    assertFalse(html.matches("(?s).*<script(?![^>]*\\ssrc=)[^>]*>.*"), "inline script");
    assertFalse(html.matches("(?s).*\\son[a-z]+=.*"), "inline event handlers");
    for (String file : PortalRoutes.FILES.keySet()) {
      String body = get("/" + file).body();
      assertFalse(body.contains("eval(") || body.contains("new Function"), file + ": script-src without 'unsafe-eval'");
      assertFalse(file.endsWith(".js") && !file.startsWith("vendor/") && body.contains("innerHTML"), file + ": pages are built from text, never markup");
    }
  }

  @Test
  void onlyThePortalsOwnFilesAreServed() throws Exception {
    for (String path : List.of("/portal.js", "/index.html", "/portal/app.js", "/vendor/uPlot.iife.js", "/vendor/", "/reference.conf",
        "/META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.iife.min.js", "/app.js/x", "/%2E%2E/reference.conf")) {
      HttpResponse<String> r = get(path);
      assertEquals(404, r.statusCode(), path);
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), path + " answers the API's 404");
    }
  }
}

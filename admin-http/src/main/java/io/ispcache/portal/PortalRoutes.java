package io.ispcache.portal;

import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.getFromResource;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static akka.http.javadsl.server.Directives.reject;
import static akka.http.javadsl.server.Directives.respondWithHeaders;

import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import java.util.List;
import java.util.Map;

/**
 * The web portal: one static page and its scripts (ES modules, no build step) that talk to the
 * admin API with the user's key, as any script would; charts from the uPlot WebJar.
 */
public final class PortalRoutes {
  /**
   * The page loads only its own script and style and talks only to its own API: injected markup
   * can run nothing, load nothing and send the API key nowhere; no other site may frame it
   * (clickjacking) or learn its address from a Referer; browsers take each file as the type it is
   * served with.
   */
  static final List<HttpHeader> SECURITY_HEADERS =
      List.of(
          RawHeader.create(
              "Content-Security-Policy",
              "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
                  + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
          RawHeader.create("X-Frame-Options", "DENY"),
          RawHeader.create("X-Content-Type-Options", "nosniff"),
          RawHeader.create("Referrer-Policy", "no-referrer"));

  /** The uPlot WebJar's files, served from the jar as the portal's own (script-src 'self'). */
  private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";

  private static final ContentType JS = ContentTypes.parse("text/javascript; charset=UTF-8");
  private static final ContentType CSS = ContentTypes.parse("text/css; charset=UTF-8");

  /** Every file the portal serves, by its path under the portal's root: nothing else is reachable. */
  static final Map<String, Asset> FILES = Map.ofEntries(
      own("portal.css", CSS),
      own("favicon.svg", ContentTypes.parse("image/svg+xml")),
      own("app.js", JS),
      own("api.js", JS),
      own("ui.js", JS),
      own("charts.js", JS),
      own("overview.js", JS),
      own("nodes.js", JS),
      own("node.js", JS),
      own("operator.js", JS),
      Map.entry("vendor/uplot.js", new Asset(UPLOT + "uPlot.iife.min.js", JS)),
      Map.entry("vendor/uplot.css", new Asset(UPLOT + "uPlot.min.css", CSS)));

  /** A classpath resource and the type it is served as. */
  record Asset(String resource, ContentType type) {}

  private static Map.Entry<String, Asset> own(String name, ContentType type) {
    return Map.entry(name, new Asset("portal/" + name, type));
  }

  public Route route() {
    return get(
        () ->
            respondWithHeaders(
                SECURITY_HEADERS,
                () ->
                    concat(
                        pathEndOrSingleSlash(() -> getFromResource("portal/index.html", ContentTypes.TEXT_HTML_UTF8)),
                        path(PathMatchers.remaining(), file -> {
                          Asset a = FILES.get(file);
                          return a == null ? reject() : getFromResource(a.resource(), a.type());
                        }))));
  }
}

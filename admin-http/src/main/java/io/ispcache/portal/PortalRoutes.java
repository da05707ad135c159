package io.ispcache.portal;

import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.getFromResource;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static akka.http.javadsl.server.Directives.respondWithHeaders;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.Route;
import java.util.List;

/** The web portal: one static page that talks to the admin API with the user's key. */
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

  public Route route() {
    return get(
        () ->
            respondWithHeaders(
                SECURITY_HEADERS,
                () ->
                    concat(
                        pathEndOrSingleSlash(() -> getFromResource("portal/index.html", ContentTypes.TEXT_HTML_UTF8)),
                        path("portal.js", () -> getFromResource("portal/portal.js", ContentTypes.parse("text/javascript; charset=UTF-8"))),
                        path("portal.css", () -> getFromResource("portal/portal.css", ContentTypes.parse("text/css; charset=UTF-8"))))));
  }
}

package io.ispcache.portal;

import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.getFromResource;
import static akka.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static akka.http.javadsl.server.Directives.path;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.server.Route;

/** The web portal: one static page that talks to the admin API with the user's key. */
public final class PortalRoutes {
  public Route route() {
    return get(
        () ->
            concat(
                pathEndOrSingleSlash(() -> getFromResource("portal/index.html", ContentTypes.TEXT_HTML_UTF8)),
                path("portal.js", () -> getFromResource("portal/portal.js", ContentTypes.parse("text/javascript; charset=UTF-8")))));
  }
}

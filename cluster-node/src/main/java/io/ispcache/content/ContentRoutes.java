package io.ispcache.content;

import static akka.http.javadsl.server.Directives.completeWithFuture;
import static akka.http.javadsl.server.Directives.extractRequest;
import static akka.http.javadsl.server.Directives.handleExceptions;

import akka.http.javadsl.server.ExceptionHandler;
import akka.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The content port: every GET/HEAD is a cache request; one handler shapes every error as JSON. */
public final class ContentRoutes {
  private static final Logger log = LoggerFactory.getLogger(ContentRoutes.class);
  private final ContentService service;

  public ContentRoutes(ContentService service) {
    this.service = service;
  }

  public Route route() {
    ExceptionHandler errors =
        ExceptionHandler.newBuilder()
            .matchAny(
                e -> {
                  log.error("content request failed", e);
                  return akka.http.javadsl.server.Directives.complete(
                      ErrorResponses.of(500, "internal_error", "the cache failed to serve this request"));
                })
            .build();
    return handleExceptions(errors, () -> extractRequest(request -> completeWithFuture(service.serve(request))));
  }
}

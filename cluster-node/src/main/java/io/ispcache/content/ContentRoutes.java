package io.ispcache.content;

import akka.http.javadsl.model.HttpRequest;
import io.ispcache.content.server.Answer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the content server asks of the cache: hits straight from the chunk files, everything else
 * through {@link ContentService#serve}. Any failure the service did not shape itself becomes a
 * JSON 500.
 */
public final class ContentRoutes implements io.ispcache.content.server.ContentHandler {
  private static final Logger log = LoggerFactory.getLogger(ContentRoutes.class);
  private final ContentService service;

  public ContentRoutes(ContentService service) {
    this.service = service;
  }

  @Override
  public io.ispcache.content.server.FileResponse direct(
      io.ispcache.content.server.RequestHead head, java.net.InetSocketAddress client) {
    return service.direct(head, client);
  }

  @Override
  public CompletionStage<Answer> handle(HttpRequest request) {
    CompletionStage<Answer> response;
    try {
      response = service.serve(request);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(internalError(e));
    }
    return response.exceptionally(ContentRoutes::internalError);
  }

  private static Answer internalError(Throwable e) {
    log.error("content request failed", e);
    return new Answer.Http(ErrorResponses.of(500, "internal_error", "the cache failed to serve this request"));
  }
}

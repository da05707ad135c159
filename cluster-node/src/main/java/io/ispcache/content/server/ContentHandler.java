package io.ispcache.content.server;

import akka.http.javadsl.model.AttributeKey;
import akka.http.javadsl.model.HttpRequest;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;

/** What the content server asks of the cache for each request. */
public interface ContentHandler {
  /**
   * The request target exactly as the client sent it, on every request {@link #handle} gets: the
   * Akka URI is a parse of it that reads a path starting with {@code //} as an authority and
   * decodes escapes, so the handler works out the target from this.
   */
  AttributeKey<String> REQUEST_TARGET = AttributeKey.create("ispcache-request-target", String.class);

  /**
   * A response straight from files (a hit), or null for {@link #handle} to answer. Runs on an I/O
   * thread, so it only looks things up in memory and opens no more than it needs.
   */
  FileResponse direct(RequestHead head, InetSocketAddress client);

  /** Every other request: answered with chunk parts or with an Akka HTTP response. */
  CompletionStage<Answer> handle(HttpRequest request);
}

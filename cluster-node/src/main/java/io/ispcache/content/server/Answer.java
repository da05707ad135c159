package io.ispcache.content.server;

import akka.http.javadsl.model.HttpResponse;
import java.util.function.LongConsumer;

/**
 * How the cache answers a request the content server handed it: with parts of its chunks (sent
 * from files, or pulled from fills as the bytes arrive), or with an Akka HTTP response (errors,
 * multipart bodies, answers relayed from the origin).
 */
public sealed interface Answer permits FileResponse, Answer.Http {

  /**
   * An Akka HTTP response, its body streamed if it is not strict; {@code sent} is told the body
   * bytes each write put into the socket (not the head, nor chunked framing).
   */
  record Http(HttpResponse response, LongConsumer sent) implements Answer {
    /** Body bytes counted nowhere. */
    public static final LongConsumer UNCOUNTED = n -> { };

    /** A response whose body is not counted as egress here (errors, or a body counted as it is made). */
    public Http(HttpResponse response) {
      this(response, UNCOUNTED);
    }
  }
}

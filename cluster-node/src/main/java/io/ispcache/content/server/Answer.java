package io.ispcache.content.server;

import akka.http.javadsl.model.HttpResponse;

/**
 * How the cache answers a request the content server handed it: with parts of its chunks (sent
 * from files, or pulled from fills as the bytes arrive), or with an Akka HTTP response (errors,
 * multipart bodies, answers relayed from the origin).
 */
public sealed interface Answer permits FileResponse, Answer.Http {

  /** An Akka HTTP response, its body streamed if it is not strict. */
  record Http(HttpResponse response) implements Answer {}
}

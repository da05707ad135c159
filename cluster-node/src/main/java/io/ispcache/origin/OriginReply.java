package io.ispcache.origin;

import akka.NotUsed;
import akka.http.javadsl.model.HttpResponse;
import akka.stream.javadsl.Source;
import akka.util.ByteString;

/** The origin's answer to an {@link OriginRequest}. */
public sealed interface OriginReply {

  /**
   * The bytes {@code [first, last]} of the object, exactly, as a stream that fails if the origin
   * breaks off or stalls. {@code last < first} when the object is empty.
   */
  record Bytes(OriginObject object, long first, long last, Source<ByteString, NotUsed> body)
      implements OriginReply {}

  /** The requested start lies beyond the object's end; the object has {@code length} bytes. */
  record BeyondEnd(long length) implements OriginReply {}

  /**
   * A response that must not be cached (404, 410, other 4xx, redirects, no length): relayed to the
   * client as it came, status, headers and body.
   */
  record Uncacheable(HttpResponse response) implements OriginReply {}
}

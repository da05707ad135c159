package io.ispcache.origin;

import akka.NotUsed;
import akka.http.javadsl.model.HttpResponse;
import akka.stream.javadsl.Source;
import akka.util.ByteString;

/** The origin's answer to an {@link OriginRequest}. */
public sealed interface OriginReply {

  /**
   * The bytes {@code [first, last]} of the object, exactly, as a stream that fails if the origin
   * breaks off or stalls. {@code last < first} when the object is empty. {@code direct}, when not
   * null, is the same body for a consumer that reads it on the fetching thread (either, not both).
   */
  record Bytes(OriginObject object, long first, long last, Source<ByteString, NotUsed> body, DirectBody direct)
      implements OriginReply {
    /** Bytes readable only as a stream. */
    public Bytes(OriginObject object, long first, long last, Source<ByteString, NotUsed> body) {
      this(object, first, last, body, null);
    }
  }

  /**
   * The origin confirmed the stored revision a conditional request named ({@code 304}); its header
   * fields update the stored ones (RFC 9111 §4.3.4).
   */
  record NotModified(io.ispcache.freshness.ResponseHeaders headers, String etag, long receivedAt) implements OriginReply {}

  /** The requested start lies beyond the object's end; the object has {@code length} bytes. */
  record BeyondEnd(long length) implements OriginReply {}

  /**
   * A response that must not be cached (404, 410, other 4xx, redirects, no length): relayed to the
   * client as it came, status, headers and body.
   */
  record Uncacheable(HttpResponse response) implements OriginReply {}
}

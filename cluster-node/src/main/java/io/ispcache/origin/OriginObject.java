package io.ispcache.origin;

import io.ispcache.freshness.ResponseHeaders;

/**
 * What an origin response says about the whole object: total length, validators, and the header
 * fields a cache stores with it. Two responses describe the same revision only when all
 * validators agree. {@code validatedAt} is when the origin (or, through a peer, the first node)
 * received the answer, and {@code initialAge} its age then (RFC 9111 §4.2.3).
 */
public record OriginObject(
    long length,
    String etag,
    String lastModified,
    String contentType,
    ResponseHeaders headers,
    long validatedAt,
    long initialAge) {

  public OriginObject {
    if (headers == null) {
      headers = ResponseHeaders.EMPTY;
    }
  }

  /** An object with no stored header fields, received now. */
  public OriginObject(long length, String etag, String lastModified, String contentType) {
    this(length, etag, lastModified, contentType, ResponseHeaders.EMPTY, System.currentTimeMillis(), 0);
  }
}

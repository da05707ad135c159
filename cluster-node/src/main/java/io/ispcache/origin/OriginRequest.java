package io.ispcache.origin;

/**
 * A ranged fetch of {@code [first, last]} (inclusive) of one object; conditional (RFC 9110
 * §13.1.2, §13.1.3) when {@code ifNoneMatch} or {@code ifModifiedSince} is set, to validate a
 * stored revision: the origin then answers {@code 304} if it is still current.
 *
 * @param host the CDN host name the client asked for (sent as Host)
 * @param pathAndQuery the request target to send upstream, query already filtered
 * @param forwarded a client's end-to-end request fields to send along (its User-Agent among them)
 */
public record OriginRequest(
    Origin origin,
    String host,
    String pathAndQuery,
    long first,
    long last,
    String ifNoneMatch,
    String ifModifiedSince,
    java.util.List<java.util.Map.Entry<String, String>> forwarded) {

  public OriginRequest {
    forwarded = forwarded == null ? java.util.List.of() : forwarded;
  }

  public OriginRequest(Origin origin, String host, String pathAndQuery, long first, long last) {
    this(origin, host, pathAndQuery, first, last, null, null, java.util.List.of());
  }

  public boolean conditional() {
    return ifNoneMatch != null || ifModifiedSince != null;
  }
}

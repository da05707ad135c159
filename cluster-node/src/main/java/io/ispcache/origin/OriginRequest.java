package io.ispcache.origin;

/**
 * A ranged fetch of {@code [first, last]} (inclusive) of one object.
 *
 * @param host the CDN host name the client asked for (sent as Host)
 * @param pathAndQuery the request target to send upstream, query already filtered
 */
public record OriginRequest(Origin origin, String host, String pathAndQuery, long first, long last) {}

package io.ispcache.object;

import io.ispcache.origin.Origin;

/**
 * Where an object comes from and what it is stored under.
 *
 * @param host the CDN host the client named
 * @param pathAndQuery the request target sent upstream
 * @param key the cache key: origin (or its shared key space) and path, query only by policy
 */
public record ObjectAddress(Origin origin, String host, String pathAndQuery, String key) {}

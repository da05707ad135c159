package io.ispcache.api;

/**
 * The cache key a cache node stores an object under, worked out exactly as the content server
 * does for a client's request (the cache nodes' module provides it; the admin plane has no key
 * rules of its own). Purges are mapped by it, and steering redirects only to URLs it accepts.
 */
public interface PurgeTargets {

  /**
   * The cache key of the object a client fetches as {@code http://host/path?query}.
   *
   * @param rawQuery the query without '?', or null
   * @throws IllegalArgumentException with a sentence for the operator: the host is not on the
   *     origin allowlist, or the path cannot name a cached object
   */
  String cacheKey(String host, String rawPath, String rawQuery);
}

package io.ispcache.object;

/**
 * One chunk's fill on this node, as {@link SingleFlight} coalesces it: chunk {@code chunk} of the
 * object under cache key {@code key} in revision {@code version}, or (version null) of whatever
 * revision the origin has, for a request that discovers the object.
 */
record FillKey(String key, String version, long chunk) {
  /** The fill of a chunk of an object whose revision is not known yet. */
  static FillKey discovering(String key, long chunk) {
    return new FillKey(key, null, chunk);
  }
}

package io.ispcache.object;

/**
 * The origin now serves another revision than the one a response started with; the old bytes must
 * not be spliced with new ones, so that response is cut off and the next request gets the new one.
 */
public final class ObjectChangedException extends RuntimeException {
  public ObjectChangedException(String key, String oldVersion, String newVersion) {
    super("object " + key + " changed at the origin (version " + oldVersion + " -> " + newVersion + ")");
  }
}

package io.ispcache.origin;

/** The origin forbids storing this object (Cache-Control no-store/private): relay it instead. */
public final class UncacheableException extends RuntimeException {
  public UncacheableException(String object) {
    super("origin forbids caching " + object);
  }
}

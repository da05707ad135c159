package io.ispcache.object;

/** The requested range starts past the object's end; the client gets 416 with the length. */
public final class BeyondEndException extends RuntimeException {
  private final long length;

  public BeyondEndException(long length) {
    super("range starts beyond the object's length " + length);
    this.length = length;
  }

  public long length() {
    return length;
  }
}

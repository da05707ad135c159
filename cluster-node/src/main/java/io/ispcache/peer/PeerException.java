package io.ispcache.peer;

/** A peer could not deliver a chunk (gone, evicted it, holds another version): ask again. */
public final class PeerException extends RuntimeException {
  public PeerException(String message) {
    super(message);
  }

  public PeerException(String message, Throwable cause) {
    super(message, cause);
  }
}

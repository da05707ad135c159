package io.ispcache.store;

import java.io.IOException;

/** No drive can make room for a chunk: everything left is being written right now. */
public final class StoreFullException extends IOException {
  public StoreFullException(String message) {
    super(message);
  }
}

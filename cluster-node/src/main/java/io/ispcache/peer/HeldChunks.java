package io.ispcache.peer;

import io.ispcache.store.ObjectMeta;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** What this node holds or is about to hold, as the transfer port needs to know it. */
public interface HeldChunks {
  /**
   * Completes with the object's meta once chunk {@code index} is committed or being filled here
   * (waiting for a fill that is starting), or empty when this node neither holds nor fetches it.
   * {@code version} null accepts any version.
   */
  CompletionStage<Optional<ObjectMeta>> await(String key, String version, long index);

  /**
   * As {@link #await}, but a chunk this node neither holds nor fills is filled now, from the object
   * at {@code pathAndQuery} of {@code host} (whose key must be {@code key}): this node is the stand-in
   * coordinator of a lost entity's chunk. Empty when the address does not name that key.
   */
  CompletionStage<Optional<ObjectMeta>> fill(String key, long index, String host, String pathAndQuery);
}

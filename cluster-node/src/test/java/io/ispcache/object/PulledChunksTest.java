package io.ispcache.object;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.store.ChunkId;
import org.junit.jupiter.api.Test;

class PulledChunksTest {
  static ChunkId chunk(long index) {
    return new ChunkId("origin/o.bin", "v1", index);
  }

  @Test
  void aChunkPulledFromAPeerIsRememberedUntilItIsFilledFromTheOriginOrFails() {
    PulledChunks pulled = new PulledChunks(8);
    assertFalse(pulled.fromPeer(chunk(0)));
    pulled.began(chunk(0), true);
    assertTrue(pulled.fromPeer(chunk(0)));
    assertFalse(pulled.fromPeer(new ChunkId("origin/o.bin", "v2", 0)), "another revision's chunk");
    pulled.failed(chunk(0));
    assertFalse(pulled.fromPeer(chunk(0)), "its next fill is another");
    pulled.began(chunk(0), true);
    pulled.began(chunk(0), false);
    assertFalse(pulled.fromPeer(chunk(0)), "filled again from the origin");
  }

  @Test
  void onlyTheMostRecentPullsAreKept() {
    PulledChunks pulled = new PulledChunks(3);
    for (long i = 0; i < 5; i++) {
      pulled.began(chunk(i), true);
    }
    assertFalse(pulled.fromPeer(chunk(0)));
    assertFalse(pulled.fromPeer(chunk(1)));
    assertTrue(pulled.fromPeer(chunk(2)));
    assertTrue(pulled.fromPeer(chunk(4)));
  }
}

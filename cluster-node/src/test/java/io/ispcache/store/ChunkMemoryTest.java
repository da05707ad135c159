package io.ispcache.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.util.ByteString;
import org.junit.jupiter.api.Test;

/** Chunk memory is reused only once nobody holds it: a slice being sent is never overwritten. */
class ChunkMemoryTest {

  @Test
  void aBufferGoesBackToThePoolOnlyWhenItsLastHolderLetsGo() {
    ChunkMemory memory = new ChunkMemory(8192, 4, 8);
    HeldBytes first = memory.take(5000);
    first.buffer().put(0, (byte) 7);
    assertTrue(first.retain(), "a reader takes a reference");
    first.release(); // the fill lets go; the reader still holds it

    HeldBytes second = memory.take(5000);
    assertEquals(0, second.buffer().get(0), "a held buffer is not handed out again");
    assertEquals(7, first.slice(0, 1).get(0), "and its bytes are intact");

    first.release(); // the reader is done
    HeldBytes third = memory.take(100);
    assertEquals(7, third.buffer().get(0), "a buffer nobody holds is reused");
    assertEquals(0, third.buffer().position());
  }

  @Test
  void noReferenceIsTakenAfterTheLastOneWasLetGoAndNoneIsLetGoTwice() {
    ChunkMemory memory = new ChunkMemory(4096, 1, 2);
    HeldBytes held = memory.take(4096);
    held.release();
    assertFalse(held.retain(), "its buffer may be someone else's by now");
    assertThrows(IllegalStateException.class, held::release);
  }

  @Test
  void beyondItsMostBuffersNoneIsHandedOutUntilOneIsLetGo() {
    ChunkMemory memory = new ChunkMemory(4096, 1, 2);
    HeldBytes a = memory.take(4096);
    HeldBytes b = memory.take(4096);
    assertEquals(null, memory.take(4096), "the fill holds its bytes on the heap instead");
    a.release();
    HeldBytes c = memory.take(4096);
    assertTrue(c != null, "a buffer let go is handed out again");
    b.release();
    c.release();
  }

  @Test
  void buffersAreAlignedForDirectWritesAndSlicesAreReadOnlyViews() {
    ChunkMemory memory = new ChunkMemory(5000, 2, 2);
    HeldBytes held = memory.take(5000);
    assertTrue(held.buffer().capacity() >= 5000 && held.buffer().capacity() % DirectWrites.ALIGN == 0);
    assertTrue(held.buffer().isDirect());
    held.buffer().put(10, (byte) 1).put(11, (byte) 2);
    assertTrue(held.slice(10, 12).isReadOnly());
    assertEquals(ByteString.fromArray(new byte[] {1, 2}), held.copy(10, 12));
    assertThrows(IllegalArgumentException.class, () -> new HeldBytes(java.nio.ByteBuffer.allocate(10), 11, null));
  }
}

package io.ispcache.store;

import akka.util.ByteString;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A chunk's bytes in memory, one buffer shared by the fill that receives them, the store's recent
 * chunks and the readers sending them to clients, each holding a reference. The fill reads the
 * origin's bytes into it and writes the chunk file from it; readers send slices of it. A pooled
 * buffer goes back to its {@link ChunkMemory} when the last holder lets go, so a slice is valid
 * only while its reader holds its reference.
 */
final class HeldBytes {
  private final ByteBuffer buffer;
  private final int length;
  private final ChunkMemory pool;
  private final AtomicInteger refs = new AtomicInteger(1);

  /** {@code pool}: where the buffer goes back, or null (heap bytes, freed by the collector). */
  HeldBytes(ByteBuffer buffer, int length, ChunkMemory pool) {
    if (buffer.capacity() < length) {
      throw new IllegalArgumentException("a buffer of " + buffer.capacity() + " bytes cannot hold " + length);
    }
    this.buffer = buffer;
    this.length = length;
    this.pool = pool;
  }

  /** Room for a chunk of {@code length} bytes on the heap (a file system without direct I/O). */
  static HeldBytes heap(int length) {
    return new HeldBytes(ByteBuffer.allocate(length), length, null);
  }

  /** Bytes read whole from a chunk file, kept as they are. */
  static HeldBytes of(ByteString bytes) {
    return new HeldBytes(ByteBuffer.wrap(bytes.toArray()), bytes.size(), null);
  }

  /** The chunk's length (the buffer may be larger). */
  int length() {
    return length;
  }

  /** The whole buffer, for the fill that writes into it and from it: nobody else may change it. */
  ByteBuffer buffer() {
    return buffer.duplicate().clear();
  }

  /** One more holder. False when the last one let go already: the bytes may be in use elsewhere. */
  boolean retain() {
    while (true) {
      int r = refs.get();
      if (r <= 0) {
        return false;
      }
      if (refs.compareAndSet(r, r + 1)) {
        return true;
      }
    }
  }

  /** A holder lets go; called exactly once per reference. */
  void release() {
    int r = refs.decrementAndGet();
    if (r == 0 && pool != null) {
      pool.give(buffer);
    } else if (r < 0) {
      throw new IllegalStateException("chunk memory released more often than it was held");
    }
  }

  /** Bytes {@code [from, to)}, read-only, sharing the memory: valid while the caller holds a reference. */
  ByteBuffer slice(long from, long to) {
    return buffer.slice((int) from, (int) (to - from)).asReadOnlyBuffer();
  }

  /** Bytes {@code [from, to)} copied to the heap, for consumers that keep them. */
  ByteString copy(long from, long to) {
    return ByteString.fromByteBuffer(slice(from, to));
  }
}

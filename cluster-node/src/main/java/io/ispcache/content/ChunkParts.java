package io.ispcache.content;

import io.ispcache.content.server.FilePart;
import io.ispcache.content.server.FileResponse;
import io.ispcache.metrics.NodeMetrics;
import io.ispcache.object.ChunkSupply;
import io.ispcache.object.ObjectAddress;
import io.ispcache.store.ObjectMeta;

/**
 * The parts of a response over one range of an object, one per chunk, each made when the response
 * reaches it: a response's cost up front does not grow with the object's size.
 *
 * <p>A part is sent as the request found its chunk: one not committed then (fetched for this
 * response, or read ahead for it) is taken from memory while the store holds it there, and its
 * bytes count as missed. The state of a chunk is taken {@link #AHEAD} chunks before the response
 * reaches it, which is before this response's own read-ahead (at most 16 chunks, see
 * {@code ispcache.object.read-ahead-chunks}) can have fetched it; for the first {@link #AHEAD}
 * chunks it is taken when the response is made, as the response's first chunk is being fetched.
 */
final class ChunkParts implements FileResponse.Parts {
  /** Chunks whose state is known ahead of the part being sent; above the largest read-ahead. */
  static final int AHEAD = 32;

  private static final byte COMMITTED = 1;
  private static final byte LOCAL = 2;
  /** Counted as missed whatever happens before it is opened (the chunk fetched to learn the object). */
  private static final byte MISSED = 4;

  private final ChunkSupply supply;
  private final ObjectAddress address;
  private final ObjectMeta meta;
  private final ChunkMath.Slices slices;
  private final long count;
  private final NodeMetrics metrics;
  /** The states of parts {@code [next, known)} at their index modulo the length; null: all committed. */
  private final byte[] found;
  private long known;

  private ChunkParts(
      ChunkSupply supply, ObjectAddress address, ObjectMeta meta, ChunkMath.Slices slices, NodeMetrics metrics, byte[] found) {
    this.supply = supply;
    this.address = address;
    this.meta = meta;
    this.slices = slices;
    this.count = slices.count();
    this.metrics = metrics;
    this.found = found;
  }

  /**
   * Parts whose chunks' states are taken now (the first {@link #AHEAD}) and as the response goes.
   * {@code firstMissed}: the first chunk was fetched for this response before it was made (its
   * fill may have all its bytes by now), so it counts as missed, as the response's X-Cache says.
   */
  static ChunkParts asFound(
      ChunkSupply supply, ObjectAddress address, ObjectMeta meta, ChunkMath.Slices slices, NodeMetrics metrics,
      boolean firstMissed) {
    ChunkParts parts =
        new ChunkParts(supply, address, meta, slices, metrics, new byte[(int) Math.min(slices.count(), AHEAD)]);
    parts.take(parts.found.length);
    if (firstMissed && parts.found.length > 0) {
      // The chunk fetched to learn the object is this request's miss, whether its fill committed
      // before the states were taken (which claimed it then) or not (claimed now), unless another
      // client of a herd that discovered it together was sent it first: then it is a hit here.
      byte taken = parts.found[0];
      boolean ours = (taken & COMMITTED) != 0 ? (taken & LOCAL) == 0 : supply.claim(meta, slices.firstChunk());
      parts.found[0] = ours ? MISSED : 0;
    }
    return parts;
  }

  /** Parts of chunks the caller found all committed (a hit): nothing more to look up. */
  static ChunkParts committed(
      ChunkSupply supply, ObjectAddress address, ObjectMeta meta, ChunkMath.Slices slices, NodeMetrics metrics) {
    return new ChunkParts(supply, address, meta, slices, metrics, null);
  }

  @Override
  public long count() {
    return count;
  }

  @Override
  public FilePart part(long index) {
    ChunkSlice slice = slices.get(index);
    byte state = COMMITTED | LOCAL;
    if (found != null) {
      take(Math.min(count, index + found.length));
      state = found[(int) (index % found.length)];
    }
    // Counted as the request found them: bytes fetched for it are missed bytes even if the chunk
    // is committed by the time they are sent.
    return new ChunkPart(
        supply,
        address,
        meta,
        slice,
        slices.lastChunk(),
        (state & COMMITTED) == 0,
        (state & LOCAL) != 0 ? metrics.hitBytes() : metrics.missBytes(),
        (state & MISSED) != 0 ? null : metrics.hitBytes());
  }

  /** Takes the states of the parts up to {@code until} (exclusive) not taken yet. */
  private void take(long until) {
    for (; known < until; known++) {
      long chunk = slices.firstChunk() + known;
      boolean committed = supply.isCommitted(meta, chunk);
      // A committed chunk is held here, unless it was fetched moments ago (read ahead) and no
      // client was sent it yet: this one is its first and has the miss, later ones the hit. One
      // not committed is decided when it is opened (ChunkPart).
      boolean local = committed && !supply.claim(meta, chunk);
      found[(int) (known % found.length)] = (byte) ((committed ? COMMITTED : 0) | (local ? LOCAL : 0));
    }
  }
}

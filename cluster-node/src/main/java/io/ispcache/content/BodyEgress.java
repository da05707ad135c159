package io.ispcache.content;

import io.ispcache.object.ChunkSupply;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayDeque;
import java.util.function.LongConsumer;

/**
 * The egress of a streamed body made of chunk pieces of both kinds and framing (a multipart body):
 * each piece is noted, in order, as it is handed to the content server, and counted (as hit or
 * miss bytes; framing not at all) only as the client's socket takes it. Pieces handed on but not
 * taken when the client leaves (the content server's queue, Akka's buffers) are never counted.
 */
final class BodyEgress implements ChunkSupply.Handed, LongConsumer {
  /** A piece handed on and not wholly sent: where it counts (null: framing) and its bytes not sent yet. */
  private static final class Piece {
    final Counter counter;
    long left;

    Piece(Counter counter, long left) {
      this.counter = counter;
      this.left = left;
    }
  }

  private final Counter hits;
  private final Counter misses;
  /** Oldest first, as the body's bytes go out. */
  private final ArrayDeque<Piece> pieces = new ArrayDeque<>();

  BodyEgress(Counter hits, Counter misses) {
    this.hits = hits;
    this.misses = misses;
  }

  /** A chunk piece handed to the content server. */
  @Override
  public synchronized void handed(boolean hit, int bytes) {
    note(hit ? hits : misses, bytes);
  }

  /** Framing (a part's header lines, the closing boundary) handed to the content server. */
  synchronized void framing(int bytes) {
    note(null, bytes);
  }

  /** {@code bytes} of the body taken by the client's socket: the oldest pieces' first. */
  @Override
  public synchronized void accept(long bytes) {
    long rest = bytes;
    while (rest > 0 && !pieces.isEmpty()) {
      Piece p = pieces.peek();
      long n = Math.min(rest, p.left);
      if (p.counter != null) {
        p.counter.increment(n);
      }
      p.left -= n;
      rest -= n;
      if (p.left == 0) {
        pieces.poll();
      }
    }
  }

  private void note(Counter counter, int bytes) {
    if (bytes > 0) {
      pieces.add(new Piece(counter, bytes));
    }
  }
}

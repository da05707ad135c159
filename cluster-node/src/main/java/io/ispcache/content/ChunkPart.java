package io.ispcache.content;

import io.ispcache.content.server.FilePart;
import io.ispcache.object.ChunkSupply;
import io.ispcache.object.ObjectAddress;
import io.ispcache.store.ChunkMissingException;
import io.ispcache.store.ObjectMeta;
import io.ispcache.store.PieceReader;
import io.micrometer.core.instrument.Counter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * One chunk's slice of a response body. A committed chunk is sent from its file; any other is
 * fetched (or joined) when the response reaches it and pulled from its fill as the bytes arrive.
 * A chunk this response fetched (or read ahead) is taken from memory while the store still holds
 * it there: its file was written past the page cache, so sending the file before the store has
 * read it back into the page cache would read the disk.
 */
final class ChunkPart implements FilePart {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ChunkPart.class);
  /** Times a chunk evicted before its reader opened it is fetched again for that reader. */
  private static final int REFILLS = 2;

  private final ChunkSupply supply;
  private final ObjectAddress address;
  private final ObjectMeta meta;
  private final ChunkSlice slice;
  private final long lastWanted;
  /** Where the bytes sent are added up: hit or miss bytes (for a fresh chunk, decided at open). */
  private volatile Counter counted;
  private final Counter hits;
  private final boolean fresh;

  /**
   * {@code fresh}: the chunk was not committed when the request came (missing, or only just
   * arrived): whether its bytes are this client's hit or miss is decided when it is opened, by
   * whether another client was sent it first; {@code counted}: where the bytes of a chunk that
   * was committed are added up (hit or miss bytes); {@code hits}: the hit bytes, or null when the
   * chunk is this client's miss whoever was sent it first (it was fetched for this request).
   */
  ChunkPart(
      ChunkSupply supply,
      ObjectAddress address,
      ObjectMeta meta,
      ChunkSlice slice,
      long lastWanted,
      boolean fresh,
      Counter counted,
      Counter hits) {
    this.fresh = fresh;
    this.supply = supply;
    this.address = address;
    this.meta = meta;
    this.slice = slice;
    this.lastWanted = lastWanted;
    this.counted = counted;
    this.hits = hits;
  }

  @Override
  public long length() {
    return slice.toExclusive() - slice.from();
  }

  @Override
  public CompletionStage<Body> open() {
    return open(REFILLS);
  }

  private CompletionStage<Body> open(int refills) {
    if (fresh && hits != null && refills == REFILLS && !supply.claim(meta, slice.index())
        && supply.isHeldOrFilling(meta, slice.index())) {
      // Another client was sent this chunk first (a herd on a new object): it had the miss, and
      // this client's copy costs the origin nothing. Else this client is the chunk's first: a
      // fill it starts below is claimed for it once registered.
      counted = hits;
    }
    PieceReader recent = fresh ? supply.memoryPieces(meta, slice.index(), slice.from(), slice.toExclusive()) : null;
    if (recent != null) {
      return CompletableFuture.completedFuture(new Pieces(recent));
    }
    FileChannel file = supply.openCommitted(meta, slice.index());
    if (file != null) {
      return CompletableFuture.completedFuture(new Region(file, slice.from()));
    }
    return supply
        .pieces(address, meta, slice.index(), slice.from(), slice.toExclusive(), lastWanted)
        .<Body>thenApply(reader -> new Resuming(reader, slice.from()))
        .exceptionallyCompose(
            e -> {
              Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
              // Evicted between its fill and this reader (a drive too small for the working set):
              // nothing of this part was sent yet, so fetch it again.
              return refills > 0 && cause instanceof ChunkMissingException
                  ? open(refills - 1)
                  : CompletableFuture.failedFuture(cause);
            });
  }

  @Override
  public void sent(long bytes) {
    counted.increment(bytes);
  }

  /** Times a fill that failed mid-chunk (its peer died or stalled) is replaced for one reader. */
  static final int RESUMES = 2;

  /**
   * The pieces of a fill, which goes on from a new fill where the one it reads fails: when the
   * peer a chunk is pulled from dies or goes silent mid-body, the fill aborts, and the client gets
   * the rest of the chunk from wherever the object's entity sends this node next (another holder,
   * or the origin) instead of a cut response. The client waits at most the peer's deadline plus
   * the new fill's first bytes.
   */
  private final class Resuming implements FilePart.Pieces {
    private PieceReader reader;
    /** Offset within the chunk of the next byte this reader hands out. */
    private long position;
    private int resumes = RESUMES;
    private boolean closed;

    Resuming(PieceReader reader, long position) {
      this.reader = reader;
      this.position = position;
    }

    @Override
    public CompletionStage<Optional<ByteBuffer>> next() {
      PieceReader current;
      synchronized (this) {
        current = reader;
      }
      return current
          .next()
          .handle(
              (piece, e) -> {
                if (e == null) {
                  piece.ifPresent(b -> position += b.remaining());
                  return CompletableFuture.completedFuture(piece);
                }
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                if (resumes == 0 || !(cause instanceof java.io.IOException) || position >= slice.toExclusive()) {
                  return CompletableFuture.<Optional<ByteBuffer>>failedFuture(cause);
                }
                resumes--;
                log.info("chunk {} of {} failed at byte {} for a response; going on from a new fill: {}",
                    slice.index(), meta.key(), position, cause.getMessage());
                synchronized (this) {
                  reader = null; // closed here, not again by close()
                }
                current.close();
                return supply
                    .pieces(address, meta, slice.index(), position, slice.toExclusive(), lastWanted)
                    .thenCompose(
                        fresh -> {
                          synchronized (this) {
                            if (closed) {
                              fresh.close();
                              return CompletableFuture.<Optional<ByteBuffer>>failedFuture(
                                  new java.io.IOException("response closed while its chunk was fetched again"));
                            }
                            reader = fresh;
                          }
                          return next();
                        });
              })
          .thenCompose(next -> next);
    }

    @Override
    public void close() {
      PieceReader current;
      synchronized (this) {
        closed = true;
        current = reader;
        reader = null;
      }
      if (current != null) {
        current.close();
      }
    }
  }

  private record Pieces(PieceReader reader) implements FilePart.Pieces {
    @Override
    public CompletionStage<Optional<ByteBuffer>> next() {
      return reader.next();
    }

    @Override
    public void close() {
      reader.close();
    }
  }
}

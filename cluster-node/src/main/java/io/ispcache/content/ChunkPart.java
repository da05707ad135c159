package io.ispcache.content;

import io.ispcache.content.server.FilePart;
import io.ispcache.object.ChunkSupply;
import io.ispcache.object.ObjectAddress;
import io.ispcache.store.ChunkMissingException;
import io.ispcache.store.ObjectMeta;
import io.ispcache.store.PieceReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * One chunk's slice of a response body. A committed chunk is sent from its file; any other is
 * fetched (or joined) when the response reaches it and pulled from its fill as the bytes arrive.
 * A chunk this response fetched (or read ahead) is taken from memory while the store still holds
 * it there: its file was written past the page cache, so sending the file would read the disk.
 */
final class ChunkPart implements FilePart {
  /** Times a chunk evicted before its reader opened it is fetched again for that reader. */
  private static final int REFILLS = 2;

  private final ChunkSupply supply;
  private final ObjectAddress address;
  private final ObjectMeta meta;
  private final ChunkSlice slice;
  private final long lastWanted;
  private final LongAdder counted;
  private final boolean fresh;

  /**
   * {@code fresh}: the chunk was not committed when the request came (missing, or only just
   * arrived); {@code counted}: where the bytes sent are added up (hit or miss bytes).
   */
  ChunkPart(
      ChunkSupply supply, ObjectAddress address, ObjectMeta meta, ChunkSlice slice, long lastWanted, boolean fresh, LongAdder counted) {
    this.fresh = fresh;
    this.supply = supply;
    this.address = address;
    this.meta = meta;
    this.slice = slice;
    this.lastWanted = lastWanted;
    this.counted = counted;
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
        .<Body>thenApply(Pieces::new)
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
    counted.add(bytes);
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

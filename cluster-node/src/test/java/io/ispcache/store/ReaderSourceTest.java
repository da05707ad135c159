package io.ispcache.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The stream over a chunk reader: pieces in order, failures passed on, the reader always closed. */
class ReaderSourceTest extends StoreTestBase {

  /** Hands out the given pieces, each either ready or completed later by the test. */
  static final class Scripted implements PieceReader {
    final ArrayDeque<CompletableFuture<Optional<java.nio.ByteBuffer>>> pieces = new ArrayDeque<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();

    @Override
    public CompletionStage<Optional<java.nio.ByteBuffer>> next() {
      CompletableFuture<Optional<java.nio.ByteBuffer>> p = pieces.poll();
      return p != null ? p : CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public void close() {
      closed.complete(null);
    }

    CompletableFuture<Optional<java.nio.ByteBuffer>> add(String s) {
      CompletableFuture<Optional<java.nio.ByteBuffer>> f = new CompletableFuture<>();
      pieces.add(f);
      if (s != null) {
        f.complete(Optional.of(ByteString.fromString(s).asByteBuffer()));
      }
      return f;
    }
  }

  static Source<ByteString, ?> source(CompletionStage<PieceReader> open) {
    return Source.fromGraph(new ReaderSource(() -> open));
  }

  @Test
  void readyAndLatePiecesComeInOrderAndTheReaderIsClosedAtTheEnd() throws Exception {
    Scripted reader = new Scripted();
    reader.add("ab");
    CompletableFuture<Optional<java.nio.ByteBuffer>> late = reader.add(null);
    reader.add("ef");
    CompletionStage<List<ByteString>> all = source(CompletableFuture.completedFuture(reader)).runWith(Sink.seq(), h.mat);
    CompletableFuture.runAsync(() -> late.complete(Optional.of(ByteString.fromString("cd").asByteBuffer())));
    List<ByteString> got = all.toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals("abcdef", got.stream().map(ByteString::utf8String).reduce("", String::concat));
    reader.closed.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aFailedPieceFailsTheStreamWithItsOwnErrorAndClosesTheReader() throws Exception {
    Scripted reader = new Scripted();
    reader.add("ab");
    reader.add(null).completeExceptionally(new ChunkMissingException(new ChunkId("k", "v", 0)));
    CompletionStage<List<ByteString>> all = source(CompletableFuture.completedFuture(reader)).runWith(Sink.seq(), h.mat);
    ExecutionException e = assertThrows(ExecutionException.class, () -> all.toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertInstanceOf(ChunkMissingException.class, e.getCause());
    reader.closed.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aReaderThatFailsToOpenFailsTheStreamWithItsError() {
    CompletionStage<List<ByteString>> all =
        source(CompletableFuture.failedFuture(new ChunkMissingException(new ChunkId("k", "v", 1)))).runWith(Sink.seq(), h.mat);
    ExecutionException e = assertThrows(ExecutionException.class, () -> all.toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertInstanceOf(ChunkMissingException.class, e.getCause());
  }

  @Test
  void aReaderOpenedAfterTheStreamWasCancelledIsClosed() throws Exception {
    Scripted reader = new Scripted();
    reader.add("never read");
    CompletableFuture<PieceReader> opening = new CompletableFuture<>();
    source(opening).runWith(Sink.cancelled(), h.mat);
    // The cancellation has stopped the stage before the reader arrives (or it arrives first and
    // the stop closes it): either way the reader ends up closed.
    CompletableFuture.runAsync(() -> opening.complete(reader));
    reader.closed.get(10, TimeUnit.SECONDS);
  }
}

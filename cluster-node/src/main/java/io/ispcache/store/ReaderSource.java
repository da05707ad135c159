package io.ispcache.store;

import akka.stream.Attributes;
import akka.stream.Outlet;
import akka.stream.SourceShape;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.AsyncCallback;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import akka.util.ByteString;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A source of the pieces a reader hands out one at a time. A piece that is ready at once (bytes a
 * fill holds in memory) is pushed on the spot; only a piece still to come (a disk read, a wait
 * for the writer) costs a hop back into the stream. It replaces {@code unfoldResourceAsync}, which
 * hops for every piece and, when it stops, renders its own name from the class file of a lambda.
 */
final class ReaderSource extends GraphStage<SourceShape<ByteString>> {
  private static final Object STOPPED = new Object();

  private final Supplier<CompletionStage<PieceReader>> open;
  private final Outlet<ByteString> out = Outlet.create("ReaderSource.out");
  private final SourceShape<ByteString> shape = SourceShape.of(out);

  ReaderSource(Supplier<CompletionStage<PieceReader>> open) {
    this.open = open;
  }

  @Override
  public SourceShape<ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      /** The open reader, or STOPPED once the stage stopped: whichever comes second closes it. */
      private final AtomicReference<Object> slot = new AtomicReference<>();
      private PieceReader reader;
      private boolean waiting = true;
      private AsyncCallback<CompletableFuture<Optional<java.nio.ByteBuffer>>> arrived;

      {
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                if (!waiting) {
                  read();
                }
              }
            });
      }

      @Override
      public void preStart() {
        arrived = createAsyncCallback(this::take);
        AsyncCallback<CompletableFuture<PieceReader>> opened = createAsyncCallback(this::opened);
        CompletableFuture<PieceReader> f;
        try {
          f = open.get().toCompletableFuture();
        } catch (RuntimeException e) {
          failStage(e);
          return;
        }
        if (f.isDone()) {
          // Opened on the spot (a reader of bytes in memory): no hop back into the stream.
          if (f.isCompletedExceptionally() || slot.compareAndSet(null, f.join())) {
            opened(f);
          }
          return;
        }
        f.whenComplete(
            (r, e) -> {
              if (r != null && !slot.compareAndSet(null, r)) {
                r.close(); // the stream ended while the reader was opening
              } else {
                opened.invoke(f);
              }
            });
      }

      private void opened(CompletableFuture<PieceReader> f) {
        try {
          reader = f.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
          failStage(cause(e));
          return;
        }
        if (reader == null) {
          failStage(new IllegalStateException("no chunk reader was opened"));
          return;
        }
        waiting = false;
        if (isAvailable(out)) {
          read();
        }
      }

      private void read() {
        CompletableFuture<Optional<java.nio.ByteBuffer>> next;
        try {
          next = reader.next().toCompletableFuture();
        } catch (RuntimeException e) {
          failStage(e);
          return;
        }
        if (next.isDone()) {
          take(next);
        } else {
          waiting = true;
          next.whenComplete((v, e) -> arrived.invoke(next));
        }
      }

      private void take(CompletableFuture<Optional<java.nio.ByteBuffer>> next) {
        waiting = false;
        Optional<java.nio.ByteBuffer> piece;
        try {
          piece = next.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
          failStage(cause(e));
          return;
        }
        if (piece.isEmpty()) {
          completeStage();
        } else {
          // A copy: the piece may share memory the reader lets go of once it is closed.
          push(out, ByteString.fromByteBuffer(piece.get()));
        }
      }

      @Override
      public void postStop() {
        if (slot.getAndSet(STOPPED) instanceof PieceReader r) {
          r.close();
        }
      }
    };
  }

  private static Throwable cause(RuntimeException e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }
}

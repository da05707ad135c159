package io.ispcache.origin;

import akka.stream.Attributes;
import akka.stream.Outlet;
import akka.stream.SourceShape;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.AsyncCallback;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import akka.util.ByteString;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;

/**
 * A response body read with blocking reads on a thread of its own, handed to the stream in large
 * pieces: one thread hop per piece instead of an actor message per socket read. The reader runs at
 * most {@link #AHEAD} pieces ahead of demand, so memory per body is bounded. Or, as a {@link
 * DirectBody}, pumped into a receiver on that thread, without a stream.
 */
final class BlockingBody extends GraphStage<SourceShape<ByteString>> implements DirectBody {
  static final int AHEAD = 2;
  private static final Object END = new Object();

  /** Reads the body. Called on one thread, one call at a time. */
  interface Reader {
    /** The next piece, or null at the end of the body. */
    ByteString read() throws IOException;

    /** Whether the body can be read with {@link #readInto} (its length is known). */
    default boolean direct() {
      return false;
    }

    /** The next bytes into {@code room}'s remaining space (at least one), or -1 at the end of the body. */
    default int readInto(java.nio.ByteBuffer room) throws IOException {
      throw new UnsupportedOperationException("this body is read in pieces");
    }

    /** The whole body was read: the connection may serve another request. */
    void finished();

    /** The body will not be read to its end (cancelled, failed): let go of the connection. */
    void abandon();
  }

  private final Reader reader;
  private final Executor threads;
  private final java.util.concurrent.atomic.AtomicBoolean claimed = new java.util.concurrent.atomic.AtomicBoolean();
  private final Outlet<ByteString> out = Outlet.create("OriginBody.out");
  private final SourceShape<ByteString> shape = SourceShape.of(out);

  /** Bodies being pumped, so that closing the client can break them off. */
  private final java.util.Set<BlockingBody> pumping;

  BlockingBody(Reader reader, Executor threads, java.util.Set<BlockingBody> pumping) {
    this.reader = reader;
    this.threads = threads;
    this.pumping = pumping;
  }

  @Override
  public boolean pump(Receiver receiver) {
    if (!claim()) {
      return false;
    }
    pumping.add(this);
    try {
      threads.execute(() -> pumpLoop(receiver));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // The client is closing: the body is given up, and so is its receiver.
      reader.abandon();
      pumping.remove(this);
      receiver.failed(new OriginException(OriginException.Kind.UNREACHABLE, "the origin client is closing", e));
    }
    return true;
  }

  private void pumpLoop(Receiver receiver) {
    Throwable failure = null;
    try {
      boolean direct = reader.direct();
      while (true) {
        java.nio.ByteBuffer room = direct ? receiver.room() : null;
        if (room != null) {
          int n;
          try {
            n = reader.readInto(room);
          } catch (Throwable e) {
            receiver.filled(room, 0);
            throw e;
          }
          receiver.filled(room, Math.max(0, n));
          if (n < 0) {
            break;
          }
        } else {
          ByteString piece = reader.read();
          if (piece == null) {
            break;
          }
          receiver.piece(piece);
        }
      }
      reader.finished();
    } catch (Throwable e) {
      // Errors too: a fill left neither committed nor aborted would keep its reservation and
      // its readers waiting, and the connection's slot would never come back.
      reader.abandon();
      failure = e;
    } finally {
      pumping.remove(this);
    }
    if (failure == null) {
      receiver.end();
      return;
    }
    receiver.failed(failure);
    if (failure instanceof Error error) {
      throw error;
    }
  }

  /** Breaks off a pumped body (the client is closing): its blocked read fails, its receiver too. */
  void breakOff() {
    reader.abandon();
  }

  @Override
  public SourceShape<ByteString> shape() {
    return shape;
  }

  private volatile java.util.concurrent.Future<?> watch;

  /** A task that gives the body up if nobody claims it in time; cancelled by the claim. */
  void watch(java.util.concurrent.Future<?> task) {
    watch = task;
    if (claimed.get()) {
      task.cancel(false);
    }
  }

  private volatile boolean givenUp;

  /** Claims the body for nobody (its connection is to be closed); false when a reader has it. */
  boolean giveUp() {
    if (!claim()) {
      return false;
    }
    givenUp = true;
    return true;
  }

  /** Takes the body for one reader; false when it was taken already (read, or given up). */
  boolean claim() {
    if (!claimed.compareAndSet(false, true)) {
      return false;
    }
    java.util.concurrent.Future<?> w = watch;
    if (w != null) {
      w.cancel(false);
    }
    return true;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    if (!claim()) {
      // The bytes come off one socket once: a second reader would get a share of them.
      return new GraphStageLogic(shape) {
        {
          setHandler(out, new AbstractOutHandler() {
            @Override
            public void onPull() {}
          });
        }

        @Override
        public void preStart() {
          failStage(
              givenUp
                  ? new OriginException(OriginException.Kind.TIMEOUT, "the origin body was given up: nobody read it in time")
                  : new IllegalStateException("an origin body can be read only once"));
        }
      };
    }
    return new GraphStageLogic(shape) {
      private final ArrayDeque<ByteString> ready = new ArrayDeque<>();
      private final Semaphore demand = new Semaphore(0);
      private volatile boolean stopped;
      private boolean ended;
      private Throwable failure;

      {
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                deliver();
              }

              @Override
              public void onDownstreamFinish(Throwable cause) {
                stop();
                completeStage();
              }
            });
      }

      @Override
      public void preStart() {
        AsyncCallback<Object> arrived = createAsyncCallback(this::arrived);
        demand.release(AHEAD);
        threads.execute(() -> readLoop(arrived));
      }

      private void readLoop(AsyncCallback<Object> arrived) {
        try {
          while (true) {
            demand.acquire();
            if (stopped) {
              reader.abandon();
              return;
            }
            ByteString piece = reader.read();
            if (piece == null) {
              reader.finished();
              arrived.invoke(END);
              return;
            }
            arrived.invoke(piece);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          reader.abandon();
        } catch (Throwable e) {
          reader.abandon();
          if (!stopped) {
            arrived.invoke(e);
          }
          if (e instanceof Error error) {
            throw error;
          }
        }
      }

      private void arrived(Object o) {
        if (o instanceof ByteString b) {
          ready.add(b);
        } else if (o == END) {
          ended = true;
        } else {
          failure = (Throwable) o;
        }
        deliver();
      }

      private void deliver() {
        if (!ready.isEmpty() && isAvailable(out)) {
          push(out, ready.poll());
          demand.release();
        }
        if (ready.isEmpty()) {
          if (failure != null) {
            failStage(failure);
          } else if (ended) {
            completeStage();
          }
        }
      }

      private void stop() {
        if (!stopped) {
          stopped = true;
          // Wakes a reader blocked on demand; one blocked in a socket read is woken by abandon.
          demand.release();
          if (!ended) {
            reader.abandon();
          }
        }
      }

      @Override
      public void postStop() {
        stop();
      }
    };
  }
}

package io.ispcache.origin;

import akka.NotUsed;
import akka.stream.Attributes;
import akka.stream.Outlet;
import akka.stream.SourceShape;
import akka.stream.javadsl.Source;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.AsyncCallback;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import akka.util.ByteString;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A response body as it comes off an origin connection, read once: pumped into a chunk fill
 * ({@link DirectBody}) on a thread of the bounded fill executor, or streamed to an Akka consumer
 * ({@link #source}). Backpressure: the connection reads as the bytes come while the consumer keeps
 * up, and pauses (Netty's auto-read off) once {@link #HIGH_WATER} bytes wait for the consumer,
 * until it has taken half of them; memory per body is bounded whatever the origin states, and a
 * consumer that keeps up costs no wake-up of the event loop per read.
 *
 * <p>The event loop calls {@link #arrived}, {@link #ended} and {@link #failed}; the consumer's
 * side calls {@link #abandon} when it gives up, which closes the connection (never reused).
 */
final class OriginBody implements DirectBody {
  /** Bytes held for a consumer before the connection stops reading. */
  static final int HIGH_WATER = 1 << 20;

  private enum Claim { NONE, PUMPED, STREAMED, GIVEN_UP }

  /** What the body needs of its connection. */
  interface Connection {
    /** Resumes reading after {@link OriginBody#arrived} paused it (from any thread). */
    void read();

    /** The consumer gave up: close the connection, whatever is in flight. */
    void abandon(Throwable why);

    /** The body is relayed to a client, at its pace: no deadline for the whole exchange. */
    void relayed();
  }

  private final Connection connection;
  private final Executor fillThreads;
  /** Bytes the body must bring (a ranged answer's length), or -1 when only the framing knows. */
  private final long expected;
  /** The body's framed length (Content-Length), or -1 when chunked or ended by the connection. */
  private final long framed;
  /** Unwanted bodies up to this size are read and dropped rather than closing their connection. */
  private static final int DRAINED = 64 * 1024;

  private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
  private long queued;
  private long delivered;
  private boolean ended;
  private Throwable failure;
  /** The connection stopped reading for this body's consumer (its queue was full). */
  private boolean paused;
  private Claim claim = Claim.NONE;
  private Receiver receiver;
  private boolean draining;
  private Runnable wake;

  OriginBody(Connection connection, Executor fillThreads, long expected, long framed) {
    this.framed = framed;
    this.connection = connection;
    this.fillThreads = fillThreads;
    this.expected = expected;
  }

  // --- the connection's side (event loop) -----------------------------------------------------

  /**
   * A piece of the body; this body owns it from now on. True when the connection must stop
   * reading (its consumer has {@link #HIGH_WATER} bytes waiting): it resumes on {@link Connection#read}.
   */
  boolean arrived(ByteBuf piece) {
    boolean pause;
    synchronized (this) {
      if (claim == Claim.GIVEN_UP || failure != null) {
        piece.release();
        return false;
      }
      queue.addLast(piece);
      queued += piece.readableBytes();
      pause = queued >= HIGH_WATER && !paused;
      paused |= pause;
    }
    signal();
    return pause;
  }

  /** Every byte arrived. */
  void ended() {
    synchronized (this) {
      ended = true;
    }
    signal();
  }

  /** The body broke off ({@link OriginException}): the consumer fails once it has the bytes before. */
  void failed(Throwable cause) {
    synchronized (this) {
      if (failure == null && !ended) {
        failure = cause;
      }
    }
    signal();
  }

  /** Whether anybody took the body; a body nobody takes in time is given up. */
  synchronized boolean claimed() {
    return claim != Claim.NONE;
  }

  /** Gives up an unclaimed body (its connection is then closed); false when a consumer has it. */
  boolean giveUp() {
    synchronized (this) {
      if (claim != Claim.NONE) {
        return false;
      }
      claim = Claim.GIVEN_UP;
    }
    dropQueued();
    return true;
  }

  /**
   * The body is not wanted (an answer that is refused, or has nothing to relay): unless all of
   * it arrived already, its connection is closed rather than read to the end.
   */
  void discard() {
    synchronized (this) {
      if (claim != Claim.NONE) {
        return;
      }
    }
    if (framed >= 0 && framed <= DRAINED) {
      // Small (an error page, an empty 416): read to its end, so the connection can be reused.
      pump(new Receiver() {
        @Override
        public void piece(ByteString bytes) {}

        @Override
        public void end() {}

        @Override
        public void failed(Throwable cause) {}
      });
      return;
    }
    abandon(new OriginException(OriginException.Kind.UNREACHABLE, "the answer's body is not wanted"));
  }

  private void signal() {
    Runnable w;
    boolean pump = false;
    synchronized (this) {
      w = wake;
      if (claim == Claim.PUMPED && !draining) {
        draining = true;
        pump = true;
      }
    }
    if (pump) {
      try {
        fillThreads.execute(this::drain);
      } catch (RejectedExecutionException e) {
        abandon(new OriginException(OriginException.Kind.UNREACHABLE, "the origin client is closing", e));
        receiver.failed(new OriginException(OriginException.Kind.UNREACHABLE, "the origin client is closing", e));
      }
    }
    if (w != null) {
      w.run();
    }
  }

  // --- the consumer's side --------------------------------------------------------------------

  /** Resumes a paused connection once the consumer took half of what waited. */
  private void demand() {
    synchronized (this) {
      if (!paused || queued > HIGH_WATER / 2 || ended || failure != null || claim == Claim.GIVEN_UP) {
        return;
      }
      paused = false;
    }
    connection.read();
  }

  /** The consumer stops: the connection is closed and what waits is dropped. */
  private void abandon(Throwable why) {
    boolean over;
    synchronized (this) {
      over = ended && queue.isEmpty();
      claim = Claim.GIVEN_UP;
    }
    dropQueued();
    if (!over) {
      connection.abandon(why);
    }
  }

  private void dropQueued() {
    ByteBuf b;
    while ((b = poll()) != null) {
      b.release();
    }
  }

  private synchronized ByteBuf poll() {
    ByteBuf b = queue.pollFirst();
    if (b != null) {
      queued -= b.readableBytes();
    }
    return b;
  }

  /** Bytes that did not add up to the length the answer stated: a failure, never a short chunk. */
  private Throwable checkEnd() {
    if (expected >= 0 && delivered != expected) {
      return new OriginException(
          OriginException.Kind.BAD_RESPONSE,
          "origin sent " + delivered + " body bytes where its answer stated " + expected);
    }
    return null;
  }

  @Override
  public void cancel() {
    synchronized (this) {
      if (claim != Claim.PUMPED) {
        return;
      }
    }
    abandon(new OriginException(OriginException.Kind.UNREACHABLE, "the fill reading this body was given up"));
  }

  @Override
  public boolean pump(Receiver receiver) {
    synchronized (this) {
      if (claim != Claim.NONE) {
        return false;
      }
      claim = Claim.PUMPED;
      this.receiver = receiver;
    }
    demand();
    signal();
    return true;
  }

  /** Hands what waits to the receiver, on a fill thread; one drain at a time per body. */
  private void drain() {
    while (true) {
      ByteBuf piece;
      boolean end;
      Throwable fail;
      synchronized (this) {
        if (claim == Claim.GIVEN_UP) {
          draining = false;
          return; // cancelled: the receiver gave the body up itself
        }
        piece = queue.pollFirst();
        if (piece != null) {
          queued -= piece.readableBytes();
        }
        end = ended && piece == null;
        fail = piece == null ? failure : null;
        if (piece == null && !end && fail == null) {
          draining = false;
        }
      }
      if (piece == null && !end && fail == null) {
        demand();
        return;
      }
      if (piece != null) {
        demand();
        try {
          deliver(piece);
        } catch (Throwable e) {
          // The fill refused the bytes (aborted, full): stop the body and drop its connection.
          // Errors too (direct memory used up for a buffered write): they fail this fill only; a
          // heap that is used up ends the process (-XX:+ExitOnOutOfMemoryError in the launcher).
          abandon(e);
          receiver.failed(e);
          return;
        } finally {
          piece.release();
        }
        continue;
      }
      Throwable cause = fail != null ? fail : checkEnd();
      synchronized (this) {
        claim = Claim.GIVEN_UP; // over: nothing more is handed out
      }
      if (cause != null) {
        if (fail == null) {
          connection.abandon(cause);
        }
        receiver.failed(cause);
      } else {
        receiver.end();
      }
      return;
    }
  }

  private void deliver(ByteBuf piece) {
    int n = piece.readableBytes();
    if (expected >= 0 && delivered + n > expected) {
      throw new OriginException(
          OriginException.Kind.BAD_RESPONSE,
          "origin sent more than the " + expected + " body bytes its answer stated");
    }
    delivered += n;
    while (piece.isReadable()) {
      ByteBuffer room = receiver.room();
      if (room == null) {
        receiver.piece(ByteString.fromByteBuffer(piece.nioBuffer()));
        piece.skipBytes(piece.readableBytes());
        return;
      }
      int take = Math.min(room.remaining(), piece.readableBytes());
      int limit = room.limit();
      try {
        room.limit(room.position() + take);
        piece.readBytes(room);
      } catch (RuntimeException e) {
        receiver.filled(room, 0);
        throw e;
      } finally {
        room.limit(limit);
      }
      receiver.filled(room, take);
    }
  }

  /** The body goes to a client as it is, read at the client's pace. */
  void relayed() {
    connection.relayed();
  }

  /** The body as a stream of heap copies; fails with an {@link OriginException} if the origin breaks off. */
  Source<ByteString, NotUsed> source() {
    return Source.fromGraph(new Stage());
  }

  private final class Stage extends GraphStage<SourceShape<ByteString>> {
    private final Outlet<ByteString> out = Outlet.create("OriginBody.out");
    private final SourceShape<ByteString> shape = SourceShape.of(out);

    @Override
    public SourceShape<ByteString> shape() {
      return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes attributes) {
      return new GraphStageLogic(shape) {
        private boolean mine;

        {
          setHandler(
              out,
              new AbstractOutHandler() {
                @Override
                public void onPull() {
                  offer();
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
          AsyncCallback<Object> arrived = createAsyncCallback(o -> offer());
          synchronized (OriginBody.this) {
            if (claim == Claim.NONE) {
              claim = Claim.STREAMED;
              mine = true;
              wake = () -> arrived.invoke(null);
            }
          }
          if (!mine) {
            // The bytes come off one socket once: a second reader would get a share of them.
            failStage(new OriginException(OriginException.Kind.UNREACHABLE, "the origin body was read already, or given up"));
            return;
          }
          demand();
        }

        private void offer() {
          if (!mine || !isAvailable(out)) {
            return;
          }
          ByteBuf piece = poll();
          if (piece != null) {
            demand();
            try {
              int n = piece.readableBytes();
              if (expected >= 0 && delivered + n > expected) {
                fail(new OriginException(OriginException.Kind.BAD_RESPONSE, "origin sent more than the " + expected + " body bytes its answer stated"));
                return;
              }
              delivered += n;
              push(out, ByteString.fromByteBuffer(piece.nioBuffer()));
            } finally {
              piece.release();
            }
            return;
          }
          boolean end;
          Throwable fail;
          synchronized (OriginBody.this) {
            end = ended && queue.isEmpty();
            fail = queue.isEmpty() ? failure : null;
          }
          if (fail != null) {
            mine = false;
            failStage(fail);
          } else if (end) {
            Throwable bad = checkEnd();
            mine = false;
            if (bad != null) {
              fail(bad);
            } else {
              completeStage();
            }
          } else {
            demand();
          }
        }

        private void fail(Throwable e) {
          mine = false;
          abandon(e);
          failStage(e);
        }

        private void stop() {
          if (mine) {
            mine = false;
            abandon(new OriginException(OriginException.Kind.UNREACHABLE, "the body's reader went away"));
          }
        }

        @Override
        public void postStop() {
          synchronized (OriginBody.this) {
            wake = null;
          }
          stop();
        }
      };
    }
  }
}

package io.ispcache.origin;

import akka.util.ByteString;

/**
 * An origin body that its one consumer may read on the fetching thread itself, piece by piece,
 * instead of as a stream: a chunk fill writes each piece to disk there, with no stream to
 * materialize and no thread hop per piece. Backpressure is the blocking call itself: the next
 * piece is read from the socket only after {@link Receiver#piece} returned.
 *
 * <p>A body is read once: by {@link #pump}, or as the stream of its {@link OriginReply.Bytes}.
 */
public interface DirectBody {

  /** Gets the body's pieces in order, on the fetching thread. */
  interface Receiver {
    /** The next piece; may block (a disk write). Throwing stops the body and drops its connection. */
    void piece(ByteString bytes);

    /**
     * Room to read the next bytes into, straight off the socket, or null to get them as a {@link
     * #piece} instead. Each room handed out is answered by one call of {@link #filled}, also when
     * the read failed, before any other call.
     */
    default java.nio.ByteBuffer room() {
      return null;
    }

    /** {@code n} bytes (maybe none) were read into {@code room} from its position on. */
    default void filled(java.nio.ByteBuffer room, int n) {
      throw new UnsupportedOperationException("no room was handed out");
    }

    /** Every byte arrived, and the connection went back to its pool. */
    void end();

    /**
     * The body broke off: an {@link OriginException} (stalled: timeout, broke off: unreachable),
     * or what {@link #piece} threw. Not called after {@link #end}.
     */
    void failed(Throwable cause);
  }

  /**
   * Reads the body to its end on a fetching thread, handing each piece to {@code receiver}. False,
   * and nothing happens, when the body was claimed already (read as a stream, or given up).
   */
  boolean pump(Receiver receiver);

  /**
   * The receiver of a pumped body gave it up (its fill aborted): the connection is closed at once
   * rather than when the origin next sends something. Nothing happens once the body ended.
   */
  default void cancel() {}
}

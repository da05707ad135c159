package io.ispcache.content.server;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Part of a response body: one chunk's slice of the object. Opened only when the response reaches
 * it; a stored chunk is sent from its file with {@code sendfile} (the bytes never enter the JVM),
 * one still being fetched is pulled piece by piece as its bytes arrive.
 */
public interface FilePart {
  long length();

  /**
   * Where the part's bytes are, once they can be read (at once for a stored chunk). A failure ends
   * the response: the connection closes after the bytes already sent.
   */
  CompletionStage<Body> open();

  /**
   * Bytes of this part the client's socket took: what a write returned, so a client that leaves
   * is not counted the rest of the part. Still uncertain: bytes the kernel took but had not
   * delivered when the client vanished (its send buffer, and the client's unread receive buffer)
   * are counted; the node cannot see them.
   */
  void sent(long bytes);

  /** The part's bytes: a file region, or pieces to pull. The content server closes it. */
  sealed interface Body permits Region, Pieces {}

  /** The open file and the position of the part's first byte. */
  record Region(FileChannel channel, long position) implements Body {}

  /**
   * Bytes handed out in order, each once it is there. A piece may share memory with the chunk: it
   * is written before the next one is asked for, and not used after {@link #close}.
   */
  non-sealed interface Pieces extends Body {
    /** The next bytes, or empty at the end. */
    CompletionStage<Optional<ByteBuffer>> next();

    /** Lets go of what the pieces hold; called once, at the end or when the client left. */
    void close();
  }
}

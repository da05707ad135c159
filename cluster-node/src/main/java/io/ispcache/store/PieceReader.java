package io.ispcache.store;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The bytes of a chunk range handed out in pieces, in order; used by one reader at a time. A piece
 * may share memory with the chunk: it is valid until the next piece is asked for or the reader is
 * closed, so a consumer that keeps bytes copies them.
 */
public interface PieceReader {
  /** The next piece, or empty at the end. */
  CompletionStage<Optional<ByteBuffer>> next();

  /** Lets go of the file, fill or memory it reads; called once. */
  void close();
}

package io.ispcache.store;

import akka.util.ByteString;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** The bytes of a chunk range handed out in pieces, in order; used by one reader at a time. */
public interface PieceReader {
  /** The next piece, or empty at the end. */
  CompletionStage<Optional<ByteString>> next();

  /** Lets go of the file or fill it reads; called once. */
  void close();
}

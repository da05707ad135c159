package io.ispcache.content.server;

import akka.NotUsed;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.nio.channels.FileChannel;

/**
 * Part of a response body that lies in a file: sent with {@code sendfile}, the bytes never
 * entering the JVM. Opened only when the response reaches it; when the file is gone by then
 * (evicted), the part's bytes come from {@link #instead()}.
 */
public interface FilePart {
  long length();

  /** The open file and the position of the part's first byte, or null when the file is gone. */
  Region open();

  /** The part's bytes another way (fetched again), for when {@link #open()} found nothing. */
  Source<ByteString, NotUsed> instead();

  record Region(FileChannel channel, long position) {}
}

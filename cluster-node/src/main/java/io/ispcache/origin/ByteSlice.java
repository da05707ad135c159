package io.ispcache.origin;

import akka.NotUsed;
import akka.stream.javadsl.Flow;
import akka.util.ByteString;
import java.util.List;

/** Cuts {@code [skip, skip + take)} out of a byte stream, ending it once the slice is complete. */
final class ByteSlice {
  private ByteSlice() {}

  static Flow<ByteString, ByteString, NotUsed> of(long skip, long take) {
    return Flow.of(ByteString.class)
        .statefulMapConcat(
            () -> {
              long[] position = {0};
              return bytes -> {
                long start = position[0];
                long end = start + bytes.size();
                position[0] = end;
                long from = Math.max(start, skip);
                long to = Math.min(end, skip + take);
                if (from >= to) {
                  return List.<ByteString>of();
                }
                return List.of(bytes.slice((int) (from - start), (int) (to - start)));
              };
            })
        .via(untilCount(take));
  }

  /** Completes the stream as soon as {@code total} bytes passed, without waiting for upstream. */
  private static Flow<ByteString, ByteString, NotUsed> untilCount(long total) {
    return Flow.of(ByteString.class)
        .statefulMapConcat(
            () -> {
              long[] seen = {0};
              return bytes -> {
                seen[0] += bytes.size();
                return List.of(new Counted(bytes, seen[0] >= total));
              };
            })
        .takeWhile(c -> !c.last(), true)
        .map(Counted::bytes);
  }

  private record Counted(ByteString bytes, boolean last) {}
}

package io.ispcache.content.server;

import java.util.List;
import java.util.function.LongConsumer;

/**
 * A response whose body is parts of files (a cache hit). {@code headers} leave out Content-Length,
 * Date, Server and Connection, which the server writes. {@code sent} is told every byte count
 * written; {@code finished} runs once, when the body is written or the exchange ends otherwise.
 */
public record FileResponse(
    int status, List<RequestHead.Header> headers, List<FilePart> parts, LongConsumer sent, Runnable finished) {

  public long contentLength() {
    long total = 0;
    for (FilePart p : parts) {
      total += p.length();
    }
    return total;
  }
}

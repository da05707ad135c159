package io.ispcache.content.server;

import java.util.List;

/**
 * A response whose body is parts of an object's chunks. {@code headers} leave out Content-Length,
 * Date, Server and Connection, which the server writes. {@code finished} runs once, when the body
 * is written or the exchange ends otherwise (also when the response came too late to be sent).
 */
public record FileResponse(int status, List<RequestHead.Header> headers, List<FilePart> parts, Runnable finished)
    implements Answer {

  public long contentLength() {
    long total = 0;
    for (FilePart p : parts) {
      total += p.length();
    }
    return total;
  }
}

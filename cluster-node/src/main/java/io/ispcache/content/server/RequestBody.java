package io.ispcache.content.server;

import akka.util.ByteString;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads one request body as its bytes arrive (RFC 9112 §6): {@code Content-Length} bytes, or a
 * chunked body (§7.1) decoded, its extensions and trailer fields dropped. The body is held in
 * memory whole, so it is bounded: a body longer than the limit is refused with 413, a stated
 * length before a byte is read. Strict as the head parser: chunk lines end in CR LF, sizes are
 * hexadecimal digits only, and a transfer coding other than {@code chunked} alone is not served.
 */
final class RequestBody {
  /** The longest chunk-size line (with its extensions) and the longest trailer section. */
  static final int MAX_LINE = 4096;

  private enum Step { SIZE, DATA, DATA_END, TRAILER, DONE }

  private final long limit;
  private final boolean chunked;
  private byte[] bytes;
  private int length;
  /** Content-Length bytes still to come, or the rest of the current chunk. */
  private long remaining;
  private Step step;
  private int trailerBytes;

  private RequestBody(long limit, boolean chunked, long contentLength) {
    this.limit = limit;
    this.chunked = chunked;
    this.remaining = chunked ? 0 : contentLength;
    this.step = chunked ? Step.SIZE : contentLength == 0 ? Step.DONE : Step.DATA;
    this.bytes = new byte[(int) Math.min(chunked ? 16 * 1024 : contentLength, limit)];
  }

  /**
   * The reader of {@code head}'s body, which announces one ({@link RequestHead#hasBody}): the
   * parser has checked that it states a Content-Length that is a number or a Transfer-Encoding.
   *
   * @throws RequestParser.BadRequest 413 when the stated length is above {@code limit}, 501 for a
   *     transfer coding other than chunked
   */
  static RequestBody of(RequestHead head, long limit) throws RequestParser.BadRequest {
    String te = head.header("Transfer-Encoding");
    if (te != null) {
      for (RequestHead.Header h : head.headers()) {
        if (h.name().equalsIgnoreCase("Transfer-Encoding") && !h.value().trim().toLowerCase(Locale.ROOT).equals("chunked")) {
          // §6.1: a coding the server does not understand is answered 501; one that does not end
          // in chunked cannot be framed at all. Either way the body's end is unknown: close.
          throw new RequestParser.BadRequest(501, "not_implemented", "only the chunked transfer coding is served, not " + h.value());
        }
      }
      if (!head.http11()) {
        throw new RequestParser.BadRequest(400, "bad_request", "an HTTP/1.0 request cannot be chunked");
      }
      return new RequestBody(limit, true, -1);
    }
    long stated = Long.parseLong(head.header("Content-Length"));
    if (stated > limit) {
      throw tooLarge(limit);
    }
    return new RequestBody(limit, false, stated);
  }

  private static RequestParser.BadRequest tooLarge(long limit) {
    return new RequestParser.BadRequest(413, "content_too_large", "the request body is larger than " + limit + " bytes");
  }

  boolean complete() {
    return step == Step.DONE;
  }

  /** The whole body, once {@link #complete}. */
  ByteString bytes() {
    return ByteString.fromArrayUnsafe(bytes, 0, length);
  }

  /**
   * Takes what it can of {@code b[from, to)}: body bytes, and chunk lines only whole. Answers how
   * many bytes it took; bytes after the body's end are not taken (a pipelined request).
   */
  int take(byte[] b, int from, int to) throws RequestParser.BadRequest {
    int at = from;
    while (at < to && step != Step.DONE) {
      switch (step) {
        case DATA -> {
          int n = (int) Math.min(remaining, to - at);
          append(b, at, n);
          at += n;
          remaining -= n;
          if (remaining == 0) {
            step = chunked ? Step.DATA_END : Step.DONE;
          }
        }
        case DATA_END -> {
          if (to - at < 2) {
            return at - from;
          }
          if (b[at] != '\r' || b[at + 1] != '\n') {
            throw bad("a chunk's data does not end in CR LF");
          }
          at += 2;
          step = Step.SIZE;
        }
        case SIZE -> {
          int eol = lineEnd(b, at, to);
          if (eol < 0) {
            if (to - at > MAX_LINE) {
              throw bad("a chunk-size line is longer than " + MAX_LINE + " bytes");
            }
            return at - from;
          }
          long size = chunkSize(b, at, eol);
          at = eol + 2;
          if (size == 0) {
            step = Step.TRAILER;
          } else {
            if (size > limit - length) {
              throw tooLarge(limit);
            }
            remaining = size;
            step = Step.DATA;
          }
        }
        case TRAILER -> {
          int eol = lineEnd(b, at, to);
          if (eol < 0) {
            if (trailerBytes + to - at > MAX_LINE) {
              throw bad("the chunked body's trailer section is longer than " + MAX_LINE + " bytes");
            }
            return at - from;
          }
          trailerBytes += eol + 2 - at;
          if (trailerBytes > MAX_LINE) {
            throw bad("the chunked body's trailer section is longer than " + MAX_LINE + " bytes");
          }
          // Trailer fields are dropped (§7.1.2 allows it): none is forwarded, none changes the request.
          step = eol == at ? Step.DONE : Step.TRAILER;
          at = eol + 2;
        }
        default -> throw new IllegalStateException(step.toString());
      }
    }
    return at - from;
  }

  private void append(byte[] b, int from, int n) {
    if (length + n > bytes.length) {
      // Only a chunked body grows: a stated length was allocated whole (it is within the limit).
      bytes = Arrays.copyOf(bytes, (int) Math.min(limit, Math.max((long) length + n, 2L * bytes.length)));
    }
    System.arraycopy(b, from, bytes, length, n);
    length += n;
  }

  /** The chunk size at the start of the line {@code b[from, eol)}; extensions (after ';') are ignored. */
  private static long chunkSize(byte[] b, int from, int eol) throws RequestParser.BadRequest {
    long size = 0;
    int i = from;
    for (; i < eol && hex(b[i]) >= 0; i++) {
      if (i - from == 15) {
        throw bad("a chunk size has more than 15 hexadecimal digits");
      }
      size = size * 16 + hex(b[i]);
    }
    if (i == from) {
      throw bad("a chunk-size line does not start with a hexadecimal size");
    }
    while (i < eol && (b[i] == ' ' || b[i] == '\t')) {
      i++; // BWS before an extension (§7.1.1)
    }
    if (i < eol && b[i] != ';') {
      throw bad("a chunk-size line holds something other than a size and extensions");
    }
    for (; i < eol; i++) {
      if ((b[i] & 0xff) < ' ' && b[i] != '\t' || b[i] == 0x7f) {
        throw bad("a chunk extension holds a control character");
      }
    }
    return size;
  }

  /** The index of the CR of the first CR LF in {@code b[from, to)}, or -1; a bare LF is refused. */
  private static int lineEnd(byte[] b, int from, int to) throws RequestParser.BadRequest {
    for (int i = from; i < to; i++) {
      if (b[i] == '\n') {
        if (i == from || b[i - 1] != '\r') {
          throw bad("a chunked body's line ends in a bare LF");
        }
        return i - 1;
      }
    }
    return -1;
  }

  private static int hex(byte c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static RequestParser.BadRequest bad(String message) {
    return new RequestParser.BadRequest(400, "bad_request", message);
  }
}

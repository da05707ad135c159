package io.ispcache.content;

import akka.NotUsed;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntConsumer;

/** A {@code multipart/byteranges} body (RFC 9110 §14.6) with its exact length known up front. */
public final class MultipartByteRanges {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final List<ByteRange> ranges;
  private final String boundary;
  private final List<ByteString> partHeaders;
  private final ByteString closing;

  private MultipartByteRanges(List<ByteRange> ranges, String contentType, long length, String boundary) {
    this.ranges = List.copyOf(ranges);
    this.boundary = boundary;
    this.partHeaders = new ArrayList<>();
    for (int i = 0; i < ranges.size(); i++) {
      ByteRange r = ranges.get(i);
      // Each part: CRLF (ending the previous part or the empty preamble) "--" boundary headers.
      String head =
          (i == 0 ? "" : "\r\n") + "--" + boundary + "\r\n"
              + "Content-Type: " + contentType + "\r\n"
              + "Content-Range: " + ContentRangeHeader.of(r, length) + "\r\n\r\n";
      partHeaders.add(ByteString.fromString(head, "ISO-8859-1"));
    }
    this.closing = ByteString.fromString("\r\n--" + boundary + "--\r\n", "ISO-8859-1");
  }

  /** A body for {@code ranges} (each inside {@code length}) with a fresh random boundary. */
  public static MultipartByteRanges of(List<ByteRange> ranges, String contentType, long length) {
    if (ranges.isEmpty()) {
      throw new IllegalArgumentException("a multipart/byteranges body needs at least one range");
    }
    for (ByteRange r : ranges) {
      if (r.last() >= length) {
        throw new IllegalArgumentException("range " + r.first() + "-" + r.last() + " is outside " + length + " bytes");
      }
    }
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    // A stored type with a line break would split the part header; it never reaches the body.
    String type = contentType == null || contentType.isBlank() || contentType.matches("(?s).*[\\r\\n].*")
        ? "application/octet-stream"
        : contentType.strip();
    return new MultipartByteRanges(ranges, type, length, "ispcache-" + HexFormat.of().formatHex(b));
  }

  public String boundary() {
    return boundary;
  }

  public String contentTypeHeader() {
    return "multipart/byteranges; boundary=" + boundary;
  }

  public long contentLength() {
    long total = closing.size();
    for (int i = 0; i < ranges.size(); i++) {
      total += partHeaders.get(i).size() + ranges.get(i).length();
    }
    return total;
  }

  /** The body; {@code partBytes} supplies each range's bytes, in order, when it is reached. */
  public Source<ByteString, NotUsed> body(Function<ByteRange, Source<ByteString, NotUsed>> partBytes) {
    return body(partBytes, n -> { });
  }

  /** The body, {@code framing} told the size of each part header and of the closing boundary as it is handed on. */
  public Source<ByteString, NotUsed> body(Function<ByteRange, Source<ByteString, NotUsed>> partBytes, IntConsumer framing) {
    return Source.range(0, ranges.size() - 1)
        .flatMapConcat(i -> framed(partHeaders.get(i), framing).concat(partBytes.apply(ranges.get(i))))
        .concat(framed(closing, framing));
  }

  private static Source<ByteString, NotUsed> framed(ByteString bytes, IntConsumer framing) {
    return Source.single(bytes).map(b -> {
      framing.accept(b.size());
      return b;
    });
  }
}

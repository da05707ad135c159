package io.ispcache.origin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.content.ByteRange;
import io.ispcache.content.ContentRangeHeader;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Properties of how an origin's response head is read: the origin connections' framing (Netty's
 * decoder with {@link Upstreams#codec()}'s limits) turns any bytes into a response or a decoding
 * failure, never an exception, and passes on only a Content-Length that {@link OriginAnswer} can
 * read as a number; {@link ContentRangeValue} accepts exactly RFC 9110 §14.4's {@code bytes
 * first-last/length} with {@code first <= last < length}, and reads back what the content server
 * writes.
 */
class OriginHeadPropertyTest {

  /** What the decoder made of {@code bytes}, delivered in {@code pieces} reads. */
  static List<HttpResponse> decode(byte[] bytes, int pieces) {
    EmbeddedChannel channel = new EmbeddedChannel(Upstreams.codec());
    try {
      int step = Math.max(1, bytes.length / Math.max(1, pieces));
      for (int at = 0; at < bytes.length; at += step) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes, at, Math.min(step, bytes.length - at)));
      }
      channel.checkException();
      List<HttpResponse> heads = new ArrayList<>();
      for (Object m = channel.readInbound(); m != null; m = channel.readInbound()) {
        if (m instanceof HttpResponse r) {
          heads.add(r);
        }
        ReferenceCountUtil.release(m);
      }
      return heads;
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  @Provide
  Arbitrary<byte[]> originBytes() {
    Arbitrary<String> pieces =
        Arbitraries.oneOf(
            Arbitraries.of("HTTP/1.1 ", "HTTP/1.0 ", "200", "206", "304", "416", " OK", "\r\n", "\n", "\r", " ", "\t", ":",
                "Content-Length: ", "Content-Length:", "Transfer-Encoding: chunked\r\n", "Content-Range: bytes ", "0", "5",
                "-1", "+5", "1,1", "99999999999999999999", "0-4/10", "\u0000", "\u00ff"),
            Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(5));
    return Arbitraries.oneOf(
        pieces.list().ofMaxSize(40).map(l -> String.join("", l).getBytes(StandardCharsets.ISO_8859_1)),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(200));
  }

  @Property(tries = 2000)
  void anyBytesDecodeToAResponseOrAFailureNeverAnException(
      @ForAll("originBytes") byte[] bytes, @ForAll @IntRange(min = 1, max = 4) int pieces) {
    for (HttpResponse head : decode(bytes, pieces)) {
      if (head.decoderResult().isSuccess()) {
        assertReadableLength(head);
      }
    }
  }

  /** What OriginAnswer.contentLength relies on: a framed length is a plain, non-negative number. */
  static void assertReadableLength(HttpResponse head) {
    String length = head.headers().get("Content-Length");
    if (length != null && !head.headers().contains("Transfer-Encoding")) {
      assertTrue(length.trim().matches("[0-9]+"), "Content-Length [" + length + "] passed the decoder");
      assertTrue(Long.parseLong(length.trim()) >= 0, length);
    }
  }

  @Provide
  Arbitrary<String> lengths() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(0, Long.MAX_VALUE).map(String::valueOf),
        Arbitraries.strings().withChars("0123456789+-, \txa").ofMinLength(1).ofMaxLength(21),
        Arbitraries.of("1e3", "0x10", "+1", "-1", "1,1", "1, 2", "\u0661", "9223372036854775808", "99999999999999999999"));
  }

  @Property(tries = 1000)
  void aContentLengthIsAcceptedOnlyAsAPlainNumber(@ForAll("lengths") String length) {
    byte[] bytes = ("HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    List<HttpResponse> heads = decode(bytes, 1);
    assertEquals(1, heads.size(), length);
    HttpResponse head = heads.get(0);
    boolean number = length.strip().matches("[0-9]{1,18}");
    if (number) {
      assertTrue(head.decoderResult().isSuccess(), "refused Content-Length [" + length + "]: " + head.decoderResult());
    }
    if (head.decoderResult().isSuccess()) {
      assertReadableLength(head);
    }
  }

  /** A response head built from the grammar, and what it says. */
  record Head(String text, int status, List<Map.Entry<String, String>> fields) {}

  @Provide
  Arbitrary<Head> heads() {
    Arbitrary<Integer> status = Arbitraries.of(200, 206, 301, 404, 416, 500, 503);
    Arbitrary<String> name = Arbitraries.strings().withChars("abcXYZ-019_").ofMinLength(1).ofMaxLength(12)
        .filter(n -> !List.of("content-length", "transfer-encoding", "connection").contains(n.toLowerCase()));
    Arbitrary<String> value = Arbitraries.strings().withCharRange('!', '~').withChars(' ').ofMaxLength(30)
        .map(v -> v.strip());
    Arbitrary<Map.Entry<String, String>> field = Combinators.combine(name, value).as(Map::entry);
    Arbitrary<String> reason = Arbitraries.of("OK", "Partial Content", "Not Found", "", "Whatever it is");
    return Combinators.combine(status, reason, field.list().ofMaxSize(10), Arbitraries.longs().between(0, Long.MAX_VALUE))
        .as((code, why, fields, length) -> {
          List<Map.Entry<String, String>> all = new ArrayList<>(fields);
          all.add(Map.entry("Content-Length", Long.toString(length)));
          StringBuilder b = new StringBuilder("HTTP/1.1 ").append(code).append(' ').append(why).append("\r\n");
          for (Map.Entry<String, String> f : all) {
            b.append(f.getKey()).append(": ").append(f.getValue()).append("\r\n");
          }
          return new Head(b.append("\r\n").toString(), code, List.copyOf(all));
        });
  }

  @Property(tries = 1000)
  void headsFromTheGrammarDecodeToWhatTheySay(@ForAll("heads") Head head, @ForAll @IntRange(min = 1, max = 5) int pieces) {
    List<HttpResponse> decoded = decode(head.text().getBytes(StandardCharsets.ISO_8859_1), pieces);
    assertEquals(1, decoded.size(), head.text());
    HttpResponse r = decoded.get(0);
    assertTrue(r.decoderResult().isSuccess(), head.text() + r.decoderResult());
    assertEquals(head.status(), r.status().code());
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    r.headers().forEach(fields::add);
    assertEquals(head.fields(), fields.stream().map(e -> Map.entry(e.getKey(), e.getValue())).toList());
  }

  @Provide
  Arbitrary<String> contentRanges() {
    Arbitrary<String> pieces =
        Arbitraries.oneOf(
            Arbitraries.of("bytes", "BYTES", " ", "\t", "-", "/", "*", "0", "1", "9", "+", "\u0661", "99999999999999999999", ","),
            Arbitraries.strings().ofMaxLength(3));
    return Arbitraries.oneOf(
        pieces.list().ofMaxSize(20).map(l -> String.join("", l)),
        pieces.list().ofMaxSize(12).map(l -> "bytes " + String.join("", l)));
  }

  @Property(tries = 3000)
  void anyContentRangeIsReadAsAValidRangeOrRefused(@ForAll("contentRanges") String value) {
    Optional<ContentRangeValue> range = ContentRangeValue.parse(value);
    range.ifPresent(r -> {
      assertTrue(0 <= r.first() && r.first() <= r.last() && r.last() < r.length(), value + " read as " + r);
      String digits = value.trim().substring("bytes ".length()).trim();
      assertTrue(digits.matches("[0-9]+-[0-9]+/[0-9]+"), "accepted [" + value + "]");
    });
    ContentRangeValue.unsatisfiedLength(value).ifPresent(length -> assertTrue(length >= 0, value));
  }

  @Property(tries = 2000)
  void whatTheContentServerWritesIsReadBack(
      @ForAll @LongRange(min = 1) long length, @ForAll long a, @ForAll long b, @ForAll boolean upperCase, @ForAll("ows") String ows) {
    long first = Math.floorMod(a, length);
    long last = first + Math.floorMod(b, length - first);
    String written = ContentRangeHeader.of(new ByteRange(first, last), length);
    String value = ows + (upperCase ? written.replace("bytes", "BYTES") : written) + ows;
    assertEquals(Optional.of(new ContentRangeValue(first, last, length)), ContentRangeValue.parse(value), value);
    assertEquals(Optional.of(length), ContentRangeValue.unsatisfiedLength(ows + ContentRangeHeader.unsatisfied(length) + ows));
  }

  @Provide
  Arbitrary<String> ows() {
    return Arbitraries.of("", " ", "\t", "  ");
  }

  @Property(tries = 2000)
  void aRangeOutsideItsLengthOrBackwardsIsRefused(
      @ForAll @LongRange(min = 0, max = 1_000_000) long first, @ForAll @LongRange(min = 0, max = 1_000_000) long last,
      @ForAll @LongRange(min = 0, max = 1_000_000) long length) {
    String value = "bytes " + first + "-" + last + "/" + length;
    boolean valid = first <= last && last < length;
    assertEquals(valid, ContentRangeValue.parse(value).isPresent(), value);
  }

  @Property(tries = 2000)
  void aSignOrAnotherDigitInANumberIsRefused(
      @ForAll @LongRange(min = 0, max = 1000) long first, @ForAll @IntRange(min = 0, max = 2) int which,
      @ForAll("notAsciiDigits") String intruder) {
    String[] numbers = {Long.toString(first), Long.toString(first + 5), Long.toString(first + 10)};
    numbers[which] = intruder + numbers[which];
    String value = "bytes " + numbers[0] + "-" + numbers[1] + "/" + numbers[2];
    assertEquals(Optional.empty(), ContentRangeValue.parse(value), value);
    assertEquals(Optional.empty(), ContentRangeValue.unsatisfiedLength("bytes */" + intruder + numbers[2]), value);
  }

  @Provide
  Arbitrary<String> notAsciiDigits() {
    // Long.parseLong reads a leading + and any Unicode digit; the grammar has 1*DIGIT (ASCII).
    return Arbitraries.of("+", "\u0661", "\u0966", "\uff11", "-");
  }
}

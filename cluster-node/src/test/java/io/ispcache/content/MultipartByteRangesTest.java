package io.ispcache.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.NotUsed;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.ispcache.testing.TestContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MultipartByteRangesTest {
  static final long SEED = 11;
  static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** Object bytes for a range, in pieces of at most 7 bytes so parts arrive as several elements. */
  static Source<ByteString, NotUsed> bytes(ByteRange r) {
    List<ByteString> pieces = new ArrayList<>();
    for (long p = r.first(); p <= r.last(); p += 7) {
      int n = (int) Math.min(7, r.last() - p + 1);
      byte[] b = new byte[n];
      TestContent.fill(SEED, p, b, 0, n);
      pieces.add(ByteString.fromArray(b));
    }
    return Source.from(pieces);
  }

  static byte[] run(MultipartByteRanges body, Function<ByteRange, Source<ByteString, NotUsed>> parts) throws Exception {
    return run(body.body(parts));
  }

  static byte[] run(Source<ByteString, NotUsed> body) throws Exception {
    ByteString all = body
        .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), testKit.system())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    return all.toArray();
  }

  static byte[] expected(ByteRange r) {
    byte[] b = new byte[(int) r.length()];
    TestContent.fill(SEED, r.first(), b, 0, b.length);
    return b;
  }

  @Test
  void bodyHasOnePartPerRangeInOrderWithItsHeadersAndBytes() throws Exception {
    List<ByteRange> ranges = List.of(new ByteRange(500, 599), new ByteRange(0, 9), new ByteRange(990, 999));
    MultipartByteRanges m = MultipartByteRanges.of(ranges, "application/vnd.ms-cab-compressed", 1000);
    byte[] body = run(m, MultipartByteRangesTest::bytes);

    String dash = "--" + m.boundary();
    int at = 0;
    for (int i = 0; i < ranges.size(); i++) {
      ByteRange r = ranges.get(i);
      String head = (i == 0 ? "" : "\r\n") + dash + "\r\nContent-Type: application/vnd.ms-cab-compressed\r\n"
          + "Content-Range: bytes " + r.first() + "-" + r.last() + "/1000\r\n\r\n";
      assertEquals(head, new String(body, at, head.length(), StandardCharsets.ISO_8859_1), "part " + i + " headers");
      at += head.length();
      byte[] part = new byte[(int) r.length()];
      System.arraycopy(body, at, part, 0, part.length);
      assertTrue(java.util.Arrays.equals(expected(r), part), "part " + i + " bytes");
      at += part.length;
    }
    String closing = "\r\n" + dash + "--\r\n";
    assertEquals(closing, new String(body, at, body.length - at, StandardCharsets.ISO_8859_1));
  }

  @Test
  void contentLengthIsExactlyTheBodyLength() throws Exception {
    List<List<ByteRange>> cases = List.of(
        List.of(new ByteRange(0, 0)),
        List.of(new ByteRange(0, 0), new ByteRange(2, 2)),
        List.of(new ByteRange(3, 99), new ByteRange(0, 1), new ByteRange(200, 999)),
        List.of(new ByteRange(0, 999)));
    for (List<ByteRange> ranges : cases) {
      MultipartByteRanges m = MultipartByteRanges.of(ranges, "text/plain", 1000);
      assertEquals(m.contentLength(), run(m, MultipartByteRangesTest::bytes).length, ranges.toString());
    }
  }

  @Test
  void contentLengthIsKnownForRangesOfAHugeObjectWithoutReadingThem() {
    long tib = 1L << 40;
    MultipartByteRanges m = MultipartByteRanges.of(List.of(new ByteRange(0, tib / 2), new ByteRange(tib - 10, tib - 1)), "a/b", tib);
    assertTrue(m.contentLength() > tib / 2 + 10);
  }

  @Test
  void boundaryIsRandomAndNamedInTheContentType() {
    MultipartByteRanges a = MultipartByteRanges.of(List.of(new ByteRange(0, 1)), "a/b", 10);
    MultipartByteRanges b = MultipartByteRanges.of(List.of(new ByteRange(0, 1)), "a/b", 10);
    assertNotEquals(a.boundary(), b.boundary());
    assertEquals("multipart/byteranges; boundary=" + a.boundary(), a.contentTypeHeader());
    // RFC 2046 §5.1.1: 1-70 characters from bchars; ours are token characters so they need no quotes.
    assertTrue(a.boundary().matches("[A-Za-z0-9-]{1,70}"), a.boundary());
  }

  @Test
  void missingOrUnsafeContentTypeBecomesOctetStream() throws Exception {
    for (String type : new String[] {null, "", "  ", "text/plain\r\nX-Evil: 1"}) {
      MultipartByteRanges m = MultipartByteRanges.of(List.of(new ByteRange(0, 1)), type, 10);
      String body = new String(run(m, MultipartByteRangesTest::bytes), StandardCharsets.ISO_8859_1);
      assertTrue(body.contains("\r\nContent-Type: application/octet-stream\r\n"), body);
      assertTrue(!body.contains("X-Evil"), body);
    }
  }

  @Test
  void partSourcesAreAskedForLazilyInOrder() throws Exception {
    List<ByteRange> asked = new ArrayList<>();
    List<ByteRange> ranges = List.of(new ByteRange(5, 9), new ByteRange(0, 2));
    MultipartByteRanges m = MultipartByteRanges.of(ranges, "a/b", 10);
    Source<ByteString, NotUsed> body = m.body(r -> {
      asked.add(r);
      return bytes(r);
    });
    assertEquals(List.of(), asked, "nothing is read before the body is run");
    run(body);
    assertEquals(ranges, asked);
  }

  @Test
  void aFailingPartFailsTheBody() {
    MultipartByteRanges m = MultipartByteRanges.of(List.of(new ByteRange(0, 1), new ByteRange(5, 6)), "a/b", 10);
    Exception e = assertThrows(Exception.class, () -> run(m, r -> r.first() == 5
        ? Source.failed(new IllegalStateException("disk gone"))
        : bytes(r)));
    assertTrue(String.valueOf(e.getCause()).contains("disk gone"), String.valueOf(e));
  }

  @Test
  void noRangesOrARangeOutsideTheObjectIsAProgrammingError() {
    assertThrows(IllegalArgumentException.class, () -> MultipartByteRanges.of(List.of(), "a/b", 10));
    assertThrows(IllegalArgumentException.class, () -> MultipartByteRanges.of(List.of(new ByteRange(5, 10)), "a/b", 10));
  }
}

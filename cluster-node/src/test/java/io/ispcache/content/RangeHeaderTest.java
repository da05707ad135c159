package io.ispcache.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.content.RangeHeader.FromTo;
import io.ispcache.content.RangeHeader.RangeSpec;
import io.ispcache.content.RangeHeader.Satisfiable;
import io.ispcache.content.RangeHeader.Suffix;
import io.ispcache.content.RangeHeader.Unsatisfiable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RangeHeaderTest {
  static List<RangeSpec> parse(String v) {
    return RangeHeader.parse(v, 16).orElseThrow(() -> new AssertionError("should parse: " + v));
  }

  static List<ByteRange> resolve(String v, long length) {
    RangeHeader.Resolution r = RangeHeader.resolve(parse(v), length);
    assertTrue(r instanceof Satisfiable, () -> v + " against " + length + " gave " + r);
    return ((Satisfiable) r).ranges();
  }

  static FromTo fromTo(long first, long last) {
    return new FromTo(first, OptionalLong.of(last));
  }

  @Test
  void everySpecFormParses() {
    assertEquals(List.of(fromTo(0, 499)), parse("bytes=0-499"));
    assertEquals(List.of(new FromTo(9500, OptionalLong.empty())), parse("bytes=9500-"));
    assertEquals(List.of(new Suffix(500)), parse("bytes=-500"));
    assertEquals(List.of(fromTo(0, 0), new Suffix(1)), parse("bytes=0-0,-1"));
    assertEquals(List.of(fromTo(7, 7)), parse("bytes=7-7"));
  }

  @Test
  void unitIsCaseInsensitiveAndWhitespaceIsAllowedOnlyAroundElements() {
    assertEquals(List.of(fromTo(1, 2)), parse("BYTES=1-2"));
    assertEquals(List.of(fromTo(1, 2), new FromTo(5, OptionalLong.empty())), parse(" Bytes = 1-2 , , 5- "));
    assertEquals(List.of(fromTo(1, 2), new Suffix(3)), parse("bytes=\t1-2\t,\t-3\t"));
  }

  @Test
  void emptyListElementsAreSkipped() {
    assertEquals(List.of(fromTo(0, 1), fromTo(3, 4)), parse("bytes=,0-1,,,3-4,"));
  }

  @Test
  void leadingZerosAreDigitsToo() {
    assertEquals(List.of(fromTo(1, 10)), parse("bytes=0000000000000000000000001-010"));
    assertEquals(List.of(new Suffix(0)), parse("bytes=-0"));
  }

  @Test
  void positionsBeyondTheLargestLongAreCappedNotMalformed() {
    assertEquals(List.of(new FromTo(Long.MAX_VALUE, OptionalLong.empty())), parse("bytes=9223372036854775807-"));
    assertEquals(List.of(new Suffix(Long.MAX_VALUE)), parse("bytes=-9223372036854775807"));
    assertEquals(List.of(new FromTo(Long.MAX_VALUE, OptionalLong.empty())), parse("bytes=9223372036854775808-"));
    assertEquals(List.of(new FromTo(0, OptionalLong.of(Long.MAX_VALUE))), parse("bytes=0-9223372036854775808"));
    assertEquals(List.of(new Suffix(Long.MAX_VALUE)), parse("bytes=-99999999999999999999999"));
    assertInstanceOf(Unsatisfiable.class, RangeHeader.resolve(parse("bytes=99999999999999999999-"), 9_000));
    assertEquals(
        new Satisfiable(List.of(new ByteRange(0, 8_999))), RangeHeader.resolve(parse("bytes=-99999999999999999999"), 9_000));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "bytes", "bytes=", "bytes= ", "bytes=,", "bytes=, ,", "items=0-5", "byte=0-5",
      "bytess=0-5", "=0-1", "bytes==0-1", "bytes=5-2", "bytes=abc", "bytes=--5", "bytes=1-2-3", "bytes=-", "bytes=1",
      "bytes=0-1;x", "bytes=+1-2", "bytes=1-+2", "bytes=-+2", "bytes=0x10-", "bytes=1 -2", "bytes=1- 2", "bytes=- 5",
      "bytes=1.5-2", "bytes=1e3-", "bytes=0-1,2", "bytes=0-1,5-4", "bytes=0-1,x", "bytes=\u0661-2", "bytes=１-2",
      "bytes=0-1\r\n", "bytes=0-1\n", "bytes\t=0-1x", "bytes 0-1", "bytes:0-1", "bytes=0-1 2-3"})
  void malformedHeadersAreIgnored(String value) {
    assertTrue(RangeHeader.parse(value, 16).isEmpty(), () -> "should be malformed: " + value);
  }

  @Test
  void absentHeaderIsNoRange() {
    assertTrue(RangeHeader.parse(null, 16).isEmpty());
  }

  @Test
  void tooManyRangesAreIgnoredAsADenialOfServiceGuard() {
    assertTrue(RangeHeader.parse("bytes=0-1,3-4,6-7", 2).isEmpty());
    assertEquals(2, RangeHeader.parse("bytes=0-1,3-4", 2).orElseThrow().size());
    assertEquals(2, RangeHeader.parse("bytes=0-1,,,,3-4,,", 2).orElseThrow().size(), "empty elements are not specs");
    assertEquals(1, RangeHeader.parse("bytes=0-1", 1).orElseThrow().size());
    assertTrue(RangeHeader.parse("bytes=0-1,2-3", 1).isEmpty());
  }

  @Test
  void aHugeHeaderIsRejectedWithoutParsingEverySpec() {
    StringBuilder b = new StringBuilder("bytes=");
    for (int i = 0; i < 200_000; i++) {
      b.append(i * 2).append('-').append(i * 2).append(',');
    }
    long start = System.nanoTime();
    assertTrue(RangeHeader.parse(b.toString(), 100).isEmpty());
    assertTrue(System.nanoTime() - start < 1_000_000_000L, "rejected within a second");
  }

  @Test
  void moreWellFormedRangesThanTheLimitAreToldApartFromAMalformedHeader() {
    String sixteen = "bytes=0-0,2-2,4-4,6-6,8-8,10-10,12-12,14-14,16-16,18-18,20-20,22-22,24-24,26-26,28-28,30-30";
    assertTrue(RangeHeader.parse(sixteen, 16).isPresent());
    assertFalse(RangeHeader.tooMany(sixteen, 16));
    assertTrue(RangeHeader.tooMany(sixteen + ",32-32", 16));
    assertTrue(RangeHeader.tooMany(sixteen + ", ,32-", 16), "empty elements do not count");
    assertTrue(RangeHeader.tooMany(sixteen + ",32-32,x", 16), "only the first 17 are looked at");
    assertFalse(RangeHeader.tooMany(sixteen.replace("4-4", "4-x") + ",32-32", 16), "malformed: ignored, not refused");
    assertFalse(RangeHeader.tooMany("items=" + sixteen.substring(6) + ",32-32", 16));
    assertFalse(RangeHeader.tooMany(null, 16));
    assertFalse(RangeHeader.tooMany("0-1,2-3", 1), "no unit");
  }

  @Test
  void aHugeHeaderIsToldTooManyWithoutParsingEverySpec() {
    StringBuilder b = new StringBuilder("bytes=");
    for (int i = 0; i < 200_000; i++) {
      b.append(i * 2).append('-').append(i * 2).append(',');
    }
    long start = System.nanoTime();
    assertTrue(RangeHeader.tooMany(b.toString(), 100));
    assertTrue(System.nanoTime() - start < 1_000_000_000L, "answered within a second");
  }

  @Test
  void maxRangesBelowOneIsAProgrammingError() {
    assertThrows(IllegalArgumentException.class, () -> RangeHeader.parse("bytes=0-1", 0));
  }

  @Test
  void resolutionClampsAndSelects() {
    assertEquals(List.of(new ByteRange(0, 499)), resolve("bytes=0-499", 10_000));
    assertEquals(List.of(new ByteRange(500, 999)), resolve("bytes=500-999", 10_000));
    assertEquals(List.of(new ByteRange(9500, 9999)), resolve("bytes=9500-", 10_000));
    assertEquals(List.of(new ByteRange(9500, 9999)), resolve("bytes=-500", 10_000));
    assertEquals(List.of(new ByteRange(9999, 9999)), resolve("bytes=-1", 10_000));
    assertEquals(List.of(new ByteRange(0, 0)), resolve("bytes=0-0", 10_000));
    assertEquals(List.of(new ByteRange(9999, 9999)), resolve("bytes=9999-", 10_000));
    assertEquals(List.of(new ByteRange(9990, 9999)), resolve("bytes=9990-20000", 10_000));
    assertEquals(List.of(new ByteRange(0, 9)), resolve("bytes=-500", 10), "suffix longer than the object is all of it");
    assertEquals(List.of(new ByteRange(0, 9)), resolve("bytes=-10", 10));
    assertEquals(List.of(new ByteRange(0, 9)), resolve("bytes=0-9223372036854775807", 10));
    assertEquals(List.of(new ByteRange(0, 9)), resolve("bytes=-9223372036854775807", 10));
  }

  @Test
  void objectsOfAnyLengthResolve() {
    long gib = 1L << 30;
    assertEquals(List.of(new ByteRange(gib - 1, gib - 1)), resolve("bytes=-1", gib));
    long huge = Long.MAX_VALUE;
    assertEquals(List.of(new ByteRange(huge - 1, huge - 1)), resolve("bytes=9223372036854775806-", huge));
  }

  @Test
  void unsatisfiableSpecsAreDroppedAndNoneLeftIsUnsatisfiable() {
    assertEquals(List.of(new ByteRange(0, 0)), resolve("bytes=0-0,500-", 100));
    assertEquals(List.of(new ByteRange(99, 99)), resolve("bytes=100-200,-1,-0", 100));
    assertTrue(RangeHeader.resolve(parse("bytes=100-"), 100) instanceof Unsatisfiable);
    assertTrue(RangeHeader.resolve(parse("bytes=100-100"), 100) instanceof Unsatisfiable);
    assertTrue(RangeHeader.resolve(parse("bytes=-0"), 100) instanceof Unsatisfiable);
    assertTrue(RangeHeader.resolve(parse("bytes=100-,200-300,-0"), 100) instanceof Unsatisfiable);
  }

  @Test
  void everyRangeOfAnEmptyObjectIsUnsatisfiable() {
    for (String v : List.of("bytes=0-", "bytes=0-0", "bytes=-1", "bytes=-100", "bytes=0-5,-3")) {
      assertTrue(RangeHeader.resolve(parse(v), 0) instanceof Unsatisfiable, v);
    }
  }

  @Test
  void negativeLengthIsAProgrammingError() {
    assertThrows(IllegalArgumentException.class, () -> RangeHeader.resolve(parse("bytes=0-"), -1));
  }

  @Test
  void overlappingAndAdjacentRangesAreCoalescedOthersKeepTheirOrder() {
    assertEquals(List.of(new ByteRange(0, 199)), resolve("bytes=0-99,100-199", 1000));
    assertEquals(List.of(new ByteRange(0, 150)), resolve("bytes=50-150,0-60", 1000));
    assertEquals(List.of(new ByteRange(0, 199)), resolve("bytes=100-199,0-99", 1000), "adjacent in either order");
    assertEquals(List.of(new ByteRange(500, 599), new ByteRange(0, 9)), resolve("bytes=500-599,0-9", 1000));
    assertEquals(List.of(new ByteRange(0, 9), new ByteRange(11, 20)), resolve("bytes=0-9,11-20", 1000), "a gap of one byte stays");
    assertEquals(
        List.of(new ByteRange(500, 599), new ByteRange(0, 19), new ByteRange(900, 999)),
        resolve("bytes=500-599,0-9,-100,10-19", 1000),
        "merged range sits where its earliest part was asked");
    assertEquals(List.of(new ByteRange(0, 999)), resolve("bytes=0-9,20-29,10-19,30-,-5", 1000), "a union joining two earlier ranges");
    assertEquals(List.of(new ByteRange(0, 999)), resolve("bytes=0-,0-,0-", 1000), "repeats collapse");
    assertEquals(List.of(new ByteRange(990, 999)), resolve("bytes=-10,995-", 1000));
  }

  /** A model of §14.1.2 on a small object: the set of selected bytes must equal the model's, with no overlaps. */
  @Test
  void randomRangeSetsSelectExactlyTheBytesTheySpecify() {
    Random random = new Random(42);
    for (int round = 0; round < 20_000; round++) {
      int length = random.nextInt(40);
      int count = 1 + random.nextInt(5);
      List<String> specs = new ArrayList<>();
      BitSet want = new BitSet();
      for (int i = 0; i < count; i++) {
        int kind = random.nextInt(3);
        int a = random.nextInt(50);
        int b = a + random.nextInt(50);
        if (kind == 0) {
          specs.add(a + "-" + b);
          want.set(Math.min(a, length), Math.min(b + 1, length));
        } else if (kind == 1) {
          specs.add(a + "-");
          want.set(Math.min(a, length), length);
        } else {
          specs.add("-" + a);
          want.set(Math.max(0, length - a), length);
        }
      }
      String header = "bytes=" + String.join(",", specs);
      RangeHeader.Resolution r = RangeHeader.resolve(parse(header), length);
      if (want.isEmpty()) {
        assertTrue(r instanceof Unsatisfiable, header + " on " + length);
        continue;
      }
      BitSet got = new BitSet();
      List<ByteRange> ranges = ((Satisfiable) r).ranges();
      for (ByteRange range : ranges) {
        assertTrue(range.last() < length, header);
        for (long p = range.first(); p <= range.last(); p++) {
          assertTrue(!got.get((int) p), header + ": byte " + p + " sent twice");
          got.set((int) p);
        }
      }
      assertEquals(want, got, header + " on " + length);
      for (int i = 0; i < ranges.size(); i++) {
        for (int j = 0; j < ranges.size(); j++) {
          if (i != j) {
            ByteRange x = ranges.get(i);
            ByteRange y = ranges.get(j);
            assertTrue(x.last() + 1 < y.first() || y.last() + 1 < x.first(), header + ": adjacent ranges left apart");
          }
        }
      }
    }
  }
}

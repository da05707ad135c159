package io.ispcache.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.content.RangeHeader.FromTo;
import io.ispcache.content.RangeHeader.Satisfiable;
import io.ispcache.content.RangeHeader.Suffix;
import io.ispcache.content.RangeHeader.Unsatisfiable;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RangeHeaderTest {
  static List<RangeHeader.RangeSpec> parse(String v) {
    return RangeHeader.parse(v, 16).orElseThrow(() -> new AssertionError("should parse: " + v));
  }

  static List<ByteRange> resolve(String v, long length) {
    RangeHeader.Resolution r = RangeHeader.resolve(parse(v), length);
    return ((Satisfiable) r).ranges();
  }

  @Test
  void everySpecFormParses() {
    assertEquals(List.of(new FromTo(0, OptionalLong.of(499))), parse("bytes=0-499"));
    assertEquals(List.of(new FromTo(9500, OptionalLong.empty())), parse("bytes=9500-"));
    assertEquals(List.of(new Suffix(500)), parse("bytes=-500"));
    assertEquals(List.of(new FromTo(0, OptionalLong.of(0)), new Suffix(1)), parse("bytes=0-0,-1"));
    assertEquals(List.of(new FromTo(1, OptionalLong.of(2)), new FromTo(5, OptionalLong.empty())), parse(" Bytes = 1-2 , , 5- "));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "bytes", "bytes=", "bytes=,", "items=0-5", "bytes=5-2", "bytes=abc", "bytes=--5",
      "bytes=1-2-3", "bytes=-", "bytes=1", "bytes=99999999999999999999-", "bytes=0-1;x", "bytes=+1-2", "bytes=0x10-",
      "bytes=1 -2", "=0-1"})
  void malformedHeadersAreIgnored(String value) {
    assertTrue(RangeHeader.parse(value, 16).isEmpty(), value);
  }

  @Test
  void tooManyRangesAreIgnoredAsADenialOfServiceGuard() {
    assertTrue(RangeHeader.parse("bytes=0-1,3-4,6-7", 2).isEmpty());
    assertFalse(RangeHeader.parse("bytes=0-1,3-4", 2).isEmpty());
  }

  @Test
  void resolutionClampsAndSelects() {
    assertEquals(List.of(new ByteRange(0, 499)), resolve("bytes=0-499", 10_000));
    assertEquals(List.of(new ByteRange(9500, 9999)), resolve("bytes=9500-", 10_000));
    assertEquals(List.of(new ByteRange(9500, 9999)), resolve("bytes=-500", 10_000));
    assertEquals(List.of(new ByteRange(9990, 9999)), resolve("bytes=9990-20000", 10_000));
    assertEquals(List.of(new ByteRange(0, 9)), resolve("bytes=-500", 10), "suffix longer than the object is all of it");
  }

  @Test
  void unsatisfiableSpecsAreDroppedAndNoneLeftIsUnsatisfiable() {
    assertEquals(List.of(new ByteRange(0, 0)), resolve("bytes=0-0,500-", 100));
    assertTrue(RangeHeader.resolve(parse("bytes=100-"), 100) instanceof Unsatisfiable);
    assertTrue(RangeHeader.resolve(parse("bytes=-0"), 100) instanceof Unsatisfiable);
    assertTrue(RangeHeader.resolve(parse("bytes=0-"), 0) instanceof Unsatisfiable);
  }

  @Test
  void overlappingAndAdjacentRangesAreCoalescedOthersKeepTheirOrder() {
    assertEquals(List.of(new ByteRange(0, 199)), resolve("bytes=0-99,100-199", 1000));
    assertEquals(List.of(new ByteRange(0, 150)), resolve("bytes=50-150,0-60", 1000));
    assertEquals(List.of(new ByteRange(500, 599), new ByteRange(0, 9)), resolve("bytes=500-599,0-9", 1000));
  }

  @Test
  void ifRangeMatchesOnlyStrongEqualValidators() {
    assertTrue(IfRange.holds(null, "\"a\"", null));
    assertTrue(IfRange.holds("\"a\"", "\"a\"", null));
    assertFalse(IfRange.holds("\"b\"", "\"a\"", null));
    assertFalse(IfRange.holds("W/\"a\"", "\"a\"", null));
    assertFalse(IfRange.holds("\"a\"", "W/\"a\"", null));
    assertFalse(IfRange.holds("\"a\"", null, "Tue, 03 Nov 2026 10:00:00 GMT"));
    assertTrue(IfRange.holds("Tue, 03 Nov 2026 10:00:00 GMT", "\"a\"", "Tue, 03 Nov 2026 10:00:00 GMT"));
    assertFalse(IfRange.holds("Tue, 03 Nov 2026 10:00:01 GMT", "\"a\"", "Tue, 03 Nov 2026 10:00:00 GMT"));
  }

  @Test
  void contentRangeValuesAreRendered() {
    assertEquals("bytes 0-9/100", ContentRangeHeader.of(new ByteRange(0, 9), 100));
    assertEquals("bytes */100", ContentRangeHeader.unsatisfied(100));
  }

  @Test
  void rangesMapOntoChunkSlices() {
    assertEquals(List.of(new ChunkSlice(0, 5, 10)), ChunkMath.slices(new ByteRange(5, 9), 10));
    assertEquals(
        List.of(new ChunkSlice(0, 5, 10), new ChunkSlice(1, 0, 10), new ChunkSlice(2, 0, 1)),
        ChunkMath.slices(new ByteRange(5, 20), 10));
    assertEquals(List.of(new ChunkSlice(3, 0, 10)), ChunkMath.slices(new ByteRange(30, 39), 10));
    assertEquals(3, ChunkMath.chunkCount(21, 10));
    assertEquals(0, ChunkMath.chunkCount(0, 10));
    assertEquals(1, ChunkMath.chunkLength(2, 21, 10));
    assertEquals(10, ChunkMath.chunkLength(1, 21, 10));
  }
}

package io.ispcache.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Properties of {@link RangeHeader} (RFC 9110 §14.1-14.2): any header value parses to specs or is
 * ignored, never an exception; values built from the grammar parse to the specs written; resolved
 * ranges lie within the representation, cover exactly what the satisfiable specs ask for, and
 * neither overlap nor touch.
 */
class RangeHeaderPropertyTest {

  @Provide
  Arbitrary<String> headerValues() {
    Arbitrary<String> pieces =
        Arbitraries.oneOf(
            Arbitraries.of("bytes", "BYTES", "items", "=", "-", ",", " ", "\t", "0", "1", "9", "00", "5-", "-5", "0-0",
                "99999999999999999999", "9223372036854775807", "9223372036854775808", "+1", "\u0661", "\u00a0", ";"),
            Arbitraries.strings().ofMaxLength(4));
    return Arbitraries.oneOf(
        pieces.list().ofMaxSize(30).map(l -> String.join("", l)),
        pieces.list().ofMaxSize(30).map(l -> "bytes=" + String.join("", l)),
        Arbitraries.strings().ofMaxLength(40));
  }

  @Property(tries = 3000)
  void anyValueParsesToWellFormedSpecsOrIsIgnored(
      @ForAll("headerValues") String value, @ForAll @IntRange(min = 1, max = 8) int maxRanges) {
    Optional<List<RangeHeader.RangeSpec>> specs = RangeHeader.parse(value, maxRanges);
    boolean tooMany = RangeHeader.tooMany(value, maxRanges);
    if (specs.isPresent()) {
      assertFalse(tooMany, value);
      assertTrue(!specs.get().isEmpty() && specs.get().size() <= maxRanges, value);
      for (RangeHeader.RangeSpec spec : specs.get()) {
        if (spec instanceof RangeHeader.FromTo f) {
          assertTrue(f.first() >= 0 && (f.last().isEmpty() || f.last().getAsLong() >= f.first()), spec.toString());
        } else {
          assertTrue(((RangeHeader.Suffix) spec).length() >= 0, spec.toString());
        }
      }
    }
  }

  /** A spec with its written form. */
  record Written(RangeHeader.RangeSpec spec, String text) {}

  @Provide
  Arbitrary<Written> specs() {
    Arbitrary<Long> position = Arbitraries.oneOf(Arbitraries.longs().between(0, 1000), Arbitraries.longs().between(0, Long.MAX_VALUE));
    Arbitrary<String> zeros = Arbitraries.of("", "", "", "0", "000");
    Arbitrary<Written> fromTo = Combinators.combine(position, Arbitraries.longs().between(0, Long.MAX_VALUE), zeros)
        .as((first, extra, z) -> {
          long last = first + Math.min(extra, Long.MAX_VALUE - first);
          return new Written(new RangeHeader.FromTo(first, OptionalLong.of(last)), z + first + "-" + z + last);
        });
    Arbitrary<Written> open = Combinators.combine(position, zeros)
        .as((first, z) -> new Written(new RangeHeader.FromTo(first, OptionalLong.empty()), z + first + "-"));
    Arbitrary<Written> suffix = Combinators.combine(position, zeros)
        .as((n, z) -> new Written(new RangeHeader.Suffix(n), "-" + z + n));
    return Arbitraries.oneOf(fromTo, open, suffix);
  }

  @Provide
  Arbitrary<List<Written>> specLists() {
    return specs().list().ofMinSize(1).ofMaxSize(8);
  }

  @Provide
  Arbitrary<String> ows() {
    return Arbitraries.of("", "", " ", "\t", "  ", " \t ");
  }

  @Property(tries = 2000)
  void valuesFromTheGrammarParseToTheSpecsWritten(
      @ForAll("specLists") List<Written> written,
      @ForAll("ows") String space,
      @ForAll("ows") String around,
      @ForAll boolean upperCaseUnit,
      @ForAll boolean emptyElements) {
    List<String> elements = new ArrayList<>();
    for (Written w : written) {
      elements.add(w.text());
      if (emptyElements) {
        elements.add(""); // §5.6.1: empty list elements are allowed
      }
    }
    String value = around + (upperCaseUnit ? "Bytes" : "bytes") + space + "=" + space + String.join(space + "," + space, elements) + around;
    Optional<List<RangeHeader.RangeSpec>> parsed = RangeHeader.parse(value, 8);
    assertEquals(Optional.of(written.stream().map(Written::spec).toList()), parsed, value);
    assertFalse(RangeHeader.tooMany(value, 8), value);
    if (written.size() > 1) {
      assertEquals(Optional.empty(), RangeHeader.parse(value, written.size() - 1), "more specs than allowed: " + value);
      assertTrue(RangeHeader.tooMany(value, written.size() - 1), value);
    }
  }

  @Property(tries = 1000)
  void aSpecWithItsLastBeforeItsFirstMakesTheWholeValueInvalid(
      @ForAll("specs") Written valid, @ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long first, @ForAll @LongRange(min = 0) long gap) {
    long last = first - 1 - Math.min(gap, first - 1);
    String value = "bytes=" + valid.text() + "," + first + "-" + last;
    assertEquals(Optional.empty(), RangeHeader.parse(value, 8), value);
  }

  @Property(tries = 1000)
  void anyOtherCharacterInASpecMakesTheValueInvalid(
      @ForAll("specs") Written valid, @ForAll @IntRange(min = 0, max = 60) int at, @ForAll char intruder) {
    if (intruder >= '0' && intruder <= '9' || intruder == ',' || intruder == ' ' || intruder == '\t') {
      return; // digits and list separators keep a value well-formed, OWS may end an element
    }
    String text = valid.text();
    int i = at % (text.length() + 1);
    String value = "bytes=" + text.substring(0, i) + intruder + text.substring(i);
    assertEquals(Optional.empty(), RangeHeader.parse(value, 8), value);
  }

  @Property(tries = 3000)
  void resolvedRangesLieWithinTheRepresentationAndCoverExactlyWhatWasAsked(
      @ForAll("specLists") List<Written> written, @ForAll("lengths") long length) {
    List<RangeHeader.RangeSpec> specs = written.stream().map(Written::spec).toList();
    RangeHeader.Resolution resolution = RangeHeader.resolve(specs, length);
    List<ByteRange> asked = new ArrayList<>(); // each satisfiable spec, clamped (§14.1.2)
    for (RangeHeader.RangeSpec spec : specs) {
      if (spec instanceof RangeHeader.FromTo f && f.first() < length) {
        asked.add(new ByteRange(f.first(), Math.min(f.last().orElse(Long.MAX_VALUE), length - 1)));
      } else if (spec instanceof RangeHeader.Suffix s && s.length() > 0 && length > 0) {
        asked.add(new ByteRange(length - Math.min(s.length(), length), length - 1));
      }
    }
    if (asked.isEmpty()) {
      assertEquals(new RangeHeader.Unsatisfiable(), resolution, specs + " of " + length);
      return;
    }
    List<ByteRange> ranges = ((RangeHeader.Satisfiable) resolution).ranges();
    for (ByteRange r : ranges) {
      assertTrue(r.last() < length, r + " beyond " + length);
    }
    List<ByteRange> sorted = ranges.stream().sorted(Comparator.comparingLong(ByteRange::first)).toList();
    for (int i = 1; i < sorted.size(); i++) {
      assertTrue(sorted.get(i).first() > sorted.get(i - 1).last() + 1, "overlapping or touching: " + ranges);
    }
    assertEquals(union(asked), sorted, specs + " of " + length);
  }

  @Provide
  Arbitrary<Long> lengths() {
    return Arbitraries.oneOf(Arbitraries.longs().between(0, 2000), Arbitraries.longs().between(0, Long.MAX_VALUE),
        Arbitraries.of(0L, 1L, Long.MAX_VALUE));
  }

  /** The ranges merged where they overlap or touch, in order. */
  static List<ByteRange> union(List<ByteRange> ranges) {
    List<ByteRange> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparingLong(ByteRange::first));
    List<ByteRange> out = new ArrayList<>();
    for (ByteRange r : sorted) {
      ByteRange last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && (r.first() <= last.last() || r.first() - last.last() == 1)) {
        out.set(out.size() - 1, new ByteRange(last.first(), Math.max(last.last(), r.last())));
      } else {
        out.add(r);
      }
    }
    return out;
  }
}

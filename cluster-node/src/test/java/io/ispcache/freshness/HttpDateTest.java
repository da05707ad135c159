package io.ispcache.freshness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpDateTest {
  static final long NOV_6_1994 = 784111777L; // Sun, 06 Nov 1994 08:49:37 GMT

  static final DateTimeFormatter IMF = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);
  static final DateTimeFormatter RFC850 = DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.US);
  static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);

  @Test
  void theRfcsExampleParsesInAllThreeForms() {
    assertEquals(OptionalLong.of(NOV_6_1994), HttpDate.parse("Sun, 06 Nov 1994 08:49:37 GMT"));
    assertEquals(OptionalLong.of(NOV_6_1994), HttpDate.parse("Sunday, 06-Nov-94 08:49:37 GMT", 2026));
    assertEquals(OptionalLong.of(NOV_6_1994), HttpDate.parse("Sun Nov  6 08:49:37 1994"));
    assertEquals(OptionalLong.of(NOV_6_1994), HttpDate.parse("  Sun, 06 Nov 1994 08:49:37 GMT "), "field OWS");
  }

  @Test
  void aTwoDigitYearMoreThanFiftyYearsAheadIsInThePast() {
    assertEquals(1994, yearOf(HttpDate.parse("Sunday, 06-Nov-94 08:49:37 GMT", 2026)));
    assertEquals(2076, yearOf(HttpDate.parse("Friday, 06-Nov-76 08:49:37 GMT", 2026)), "50 years ahead");
    assertEquals(1977, yearOf(HttpDate.parse("Sunday, 06-Nov-77 08:49:37 GMT", 2026)), "51 years ahead");
    assertEquals(2105, yearOf(HttpDate.parse("Friday, 06-Nov-05 08:49:37 GMT", 2095)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "yesterday",
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 06 Nov 1994 08:49:37 +0000",
        "sun, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 nov 1994 08:49:37 GMT",
        "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 94 08:49:37 GMT",
        "Sun, 06 Nov 1994 8:49:37 GMT",
        "Sun, 31 Nov 1994 08:49:37 GMT",
        "Sun, 29 Feb 1995 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 06 Nov 1994 08:49:61 GMT",
        "Sun, 00 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08-49-37 GMT",
        "Sunday, 06-Nov-1994 08:49:37 GMT",
        "Sundy, 06-Nov-94 08:49:37 GMT",
        "Sunday, 06 Nov 94 08:49:37 GMT",
        "Sun Nov 06 08:49:37 1994 GMT",
        "Sun Nov 6 08:49:37 1994",
        "Sun Nov  0 08:49:37 1994",
        "Sun, 0\u0661 Nov 1994 08:49:37 GMT",
        "1994-11-06T08:49:37Z",
        "784111777"
      })
  void anythingElseIsNoHttpDate(String value) {
    assertEquals(OptionalLong.empty(), HttpDate.parse(value), value);
  }

  @Test
  void aLeapSecondAndTheLastDayOfALeapYearParse() {
    assertEquals(OptionalLong.of(NOV_6_1994 + 23), HttpDate.parse("Sun, 06 Nov 1994 08:49:60 GMT"));
    assertTrue(HttpDate.parse("Thu, 29 Feb 2024 00:00:00 GMT").isPresent());
  }

  @Property
  void everyInstantRoundTripsThroughImfFixdateAndAsctime(@ForAll @LongRange(min = -62_135_596_800L, max = 253_402_300_799L) long second) {
    ZonedDateTime t = Instant.ofEpochSecond(second).atZone(ZoneOffset.UTC);
    assertEquals(OptionalLong.of(second), HttpDate.parse(IMF.format(t)), IMF.format(t));
    assertEquals(OptionalLong.of(second), HttpDate.parse(ASCTIME.format(t)), ASCTIME.format(t));
  }

  @Property
  void everyInstantWithinFiftyYearsRoundTripsThroughRfc850(@ForAll("within50Years") long second) {
    ZonedDateTime t = Instant.ofEpochSecond(second).atZone(ZoneOffset.UTC);
    assertEquals(OptionalLong.of(second), HttpDate.parse(RFC850.format(t), 2026), RFC850.format(t));
  }

  @Provide
  Arbitrary<Long> within50Years() {
    // 1977-01-01 up to the end of 2076: the century the two-digit year is read in from 2026.
    return Arbitraries.longs().between(220_924_800L, 3_376_684_799L);
  }

  @Property
  void noStringMakesTheParserThrow(@ForAll String value) {
    HttpDate.parse(value);
  }

  @Property
  void aDateWithOneCharacterChangedParsesToTheSameInstantOrNone(
      @ForAll @LongRange(min = 0, max = 4_102_444_799L) long second, @ForAll("positions") int at, @ForAll char c) {
    String date = IMF.format(Instant.ofEpochSecond(second).atZone(ZoneOffset.UTC));
    String changed = date.substring(0, at) + c + date.substring(at + 1);
    OptionalLong parsed = HttpDate.parse(changed);
    // A changed day name is not checked against the calendar; every other change is another
    // valid date (then it formats back to itself) or no date.
    assertTrue(
        parsed.isEmpty() || IMF.format(Instant.ofEpochSecond(parsed.getAsLong()).atZone(ZoneOffset.UTC)).substring(3).equals(changed.strip().substring(3))
            || at < 3,
        changed);
  }

  @Provide
  Arbitrary<Integer> positions() {
    return Arbitraries.integers().between(0, 28);
  }

  private static int yearOf(OptionalLong seconds) {
    return Instant.ofEpochSecond(seconds.orElseThrow()).atZone(ZoneOffset.UTC).getYear();
  }
}

package io.ispcache.freshness;

import static io.ispcache.freshness.ResponseHeadersTest.of;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FreshnessTest {
  static final Freshness.Heuristic TENTH = new Freshness.Heuristic(0.1, Duration.ofDays(1));
  static final String DATE = "Tue, 03 Nov 2026 10:00:00 GMT";

  static long lifetime(ResponseHeaders h, String lastModified) {
    return Freshness.lifetime(h, lastModified, Freshness.Policy.ORIGIN, TENTH);
  }

  @Test
  void sMaxageBeatsMaxAgeWhichBeatsExpires() {
    assertEquals(30_000, lifetime(of("Cache-Control: max-age=60, s-maxage=30", "Expires: Tue, 03 Nov 2026 11:00:00 GMT", "Date: " + DATE), null));
    assertEquals(60_000, lifetime(of("Cache-Control: max-age=60", "Expires: Tue, 03 Nov 2026 11:00:00 GMT", "Date: " + DATE), null));
    assertEquals(3_600_000, lifetime(of("Expires: Tue, 03 Nov 2026 11:00:00 GMT", "Date: " + DATE), null));
  }

  @Test
  void noCacheInvalidValuesAndPastOrBrokenExpiresAreStaleAtOnce() {
    assertEquals(0, lifetime(of("Cache-Control: max-age=600, no-cache"), null));
    assertEquals(0, lifetime(of("Cache-Control: max-age=soon"), null));
    assertEquals(0, lifetime(of("Expires: 0", "Date: " + DATE), null));
    assertEquals(0, lifetime(of("Expires: Thu, 01 Jan 2015 00:00:00 GMT", "Date: " + DATE), null));
  }

  @Test
  void theHeuristicIsAFractionOfTheLastModifiedAgeCappedAndNeedsLastModified() {
    assertEquals(Duration.ofHours(1).toMillis(), lifetime(of("Date: " + DATE), "Tue, 03 Nov 2026 00:00:00 GMT"));
    assertEquals(Duration.ofDays(1).toMillis(), lifetime(of("Date: " + DATE), "Tue, 03 Nov 2020 00:00:00 GMT"));
    assertEquals(0, lifetime(of("Date: " + DATE), null));
    assertEquals(0, Freshness.lifetime(of("Date: " + DATE), "Tue, 03 Nov 2020 00:00:00 GMT", Freshness.Policy.ORIGIN, Freshness.Heuristic.OFF));
  }

  @Test
  void anOriginsPolicyOverridesWhatItsHeadersSay() {
    ResponseHeaders noCache = of("Cache-Control: no-cache");
    assertEquals(Freshness.FOREVER, Freshness.lifetime(noCache, null, Freshness.Policy.IMMUTABLE, TENTH));
    assertEquals(5_000, Freshness.lifetime(noCache, null, Freshness.Policy.fixed(Duration.ofSeconds(5)), TENTH));
  }

  @Test
  void initialAgeIsTheLargerOfAgeAndTheApparentAge() {
    long date = HttpDate.millis(DATE);
    assertEquals(10_000, Freshness.initialAge(of("Date: " + DATE, "Age: 10"), date + 2_000));
    assertEquals(20_000, Freshness.initialAge(of("Date: " + DATE, "Age: 10"), date + 20_000));
    assertEquals(0, Freshness.initialAge(of("Date: " + DATE), date - 5_000), "a Date ahead of the clock is no age");
  }

  @Test
  void staleServingFollowsTheOriginsPermissions() {
    Duration day = Duration.ofDays(1);
    assertTrue(Freshness.mayServeStaleOnError(of("Cache-Control: max-age=60"), 1_000, day));
    assertFalse(Freshness.mayServeStaleOnError(of("Cache-Control: max-age=60"), day.toMillis() + 1, day));
    assertFalse(Freshness.mayServeStaleOnError(of("Cache-Control: max-age=60, must-revalidate"), 1_000, day));
    assertFalse(Freshness.mayServeStaleOnError(of("Cache-Control: s-maxage=60"), 1_000, day));
    assertTrue(Freshness.mayServeStaleOnError(of("Cache-Control: s-maxage=60, stale-if-error=600"), 1_000, day),
        "an explicit stale-if-error permits what s-maxage alone forbids");
    assertTrue(Freshness.mayServeStaleOnError(of("Cache-Control: max-age=60, stale-if-error=5"), 5_000, Duration.ZERO));
    assertFalse(Freshness.mayServeStaleOnError(of("Cache-Control: max-age=60, stale-if-error=5"), 5_001, day));
    assertTrue(Freshness.mayServeWhileRevalidating(of("Cache-Control: max-age=1, stale-while-revalidate=30"), 30_000));
    assertFalse(Freshness.mayServeWhileRevalidating(of("Cache-Control: max-age=1, stale-while-revalidate=30"), 30_001));
    assertFalse(Freshness.mayServeWhileRevalidating(of("Cache-Control: max-age=1"), 1));
  }

  @Test
  void allThreeHttpDateFormsParseAndOthersDoNot() {
    long t = HttpDate.millis("Sun, 06 Nov 1994 08:49:37 GMT");
    assertEquals(t, HttpDate.millis("Sunday, 06-Nov-94 08:49:37 GMT"));
    assertEquals(t, HttpDate.millis("Sun Nov  6 08:49:37 1994"));
    assertEquals(HttpDate.INVALID, HttpDate.millis("yesterday"));
    assertEquals(HttpDate.INVALID, HttpDate.millis("0"));
    assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDate.format(t));
  }

  @Test
  void withoutADateExpiresCountsFromWhenTheAnswerArrived() {
    long received = HttpDate.millis("Tue, 03 Nov 2026 10:00:00 GMT");
    ResponseHeaders h =
        ResponseHeaders.fromOrigin(java.util.List.of(java.util.Map.entry("Expires", "Tue, 03 Nov 2026 10:10:00 GMT")), received);

    assertEquals(600_000, lifetime(h, null));
  }
}

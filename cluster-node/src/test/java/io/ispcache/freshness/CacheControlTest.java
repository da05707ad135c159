package io.ispcache.freshness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CacheControlTest {

  @Test
  void directivesOfEveryLineCombine() {
    CacheControl cc = CacheControl.parse(List.of("public, max-age=3600", "private"));

    assertTrue(cc.has("public"));
    assertTrue(cc.has("private"));
    assertEquals(3600, cc.seconds("max-age"));
  }

  @Test
  void namesAreCaseInsensitiveAndQuotedCommasDoNotSplit() {
    CacheControl cc = CacheControl.parse(List.of("No-Cache=\"Set-Cookie, X-Foo\", S-MAXAGE=\"60\""));

    assertEquals("Set-Cookie, X-Foo", cc.argument("no-cache"));
    assertEquals(60, cc.seconds("s-maxage"));
    assertFalse(cc.has("x-foo\""));
  }

  @Test
  void absentInvalidAndConflictingDeltaSecondsAreTold() {
    assertEquals(-1, CacheControl.parse(List.of("public")).seconds("max-age"));
    assertEquals(-2, CacheControl.parse(List.of("max-age=ten")).seconds("max-age"));
    assertEquals(-2, CacheControl.parse(List.of("max-age=")).seconds("max-age"));
    assertEquals(-2, CacheControl.parse(List.of("max-age=-1")).seconds("max-age"));
    assertEquals(-2, CacheControl.parse(List.of("max-age=60", "max-age=0")).seconds("max-age"));
    assertEquals(60, CacheControl.parse(List.of("max-age=60, max-age=60")).seconds("max-age"));
  }

  @Test
  void hugeValuesAreCappedAtTwoToTheThirtyFirst() {
    assertEquals(1L << 31, CacheControl.parse(List.of("max-age=99999999999999999999999")).seconds("max-age"));
  }

  @Test
  void noLinesAndEmptyItemsGiveNoDirectives() {
    assertTrue(CacheControl.parse(List.of()).isEmpty());
    assertTrue(CacheControl.parse(null).isEmpty());
    assertTrue(CacheControl.parse(List.of(" , ,")).isEmpty());
  }
}

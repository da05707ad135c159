package io.ispcache.content;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IfRangeTest {
  static final String DATE = "Tue, 03 Nov 2026 10:00:00 GMT";

  @Test
  void absentHeaderLetsTheRangeThrough() {
    assertTrue(IfRange.holds(null, "\"a\"", DATE));
    assertTrue(IfRange.holds(null, null, null));
  }

  @Test
  void equalStrongEntityTagsMatch() {
    assertTrue(IfRange.holds("\"a\"", "\"a\"", null));
    assertTrue(IfRange.holds(" \"a\" ", "\"a\"", DATE));
    assertTrue(IfRange.holds("\"\"", "\"\"", null), "the empty tag is a tag");
  }

  @Test
  void differentOrDifferentlyCasedTagsDoNotMatch() {
    assertFalse(IfRange.holds("\"b\"", "\"a\"", null));
    assertFalse(IfRange.holds("\"A\"", "\"a\"", null));
    assertFalse(IfRange.holds("\"a\"", null, DATE), "no stored ETag");
  }

  @Test
  void weakTagsOnEitherSideNeverMatch() {
    assertFalse(IfRange.holds("W/\"a\"", "\"a\"", null));
    assertFalse(IfRange.holds("W/\"a\"", "W/\"a\"", null));
    assertFalse(IfRange.holds("\"a\"", "W/\"a\"", null));
  }

  @Test
  void malformedValuesNeverMatch() {
    assertFalse(IfRange.holds("", "\"a\"", ""));
    assertFalse(IfRange.holds("   ", "\"a\"", DATE));
    assertFalse(IfRange.holds("\"a", "\"a", null), "unterminated tag");
    assertFalse(IfRange.holds("\"a\"b\"", "\"a\"b\"", null), "quote inside a tag");
    assertFalse(IfRange.holds("a", "a", "a"), "bare token is neither a tag nor a date");
    assertFalse(IfRange.holds("yesterday", "\"a\"", DATE));
  }

  @Test
  void dateMatchesOnlyTheExactLastModified() {
    assertTrue(IfRange.holds(DATE, "\"a\"", DATE));
    assertTrue(IfRange.holds(DATE, null, DATE));
    assertFalse(IfRange.holds("Tue, 03 Nov 2026 10:00:01 GMT", "\"a\"", DATE), "one second later");
    assertFalse(IfRange.holds("Tue, 03 Nov 2026 09:59:59 GMT", "\"a\"", DATE), "one second earlier");
    assertFalse(IfRange.holds(DATE, "\"a\"", null), "no Last-Modified stored");
  }

  @Test
  void dateIsComparedAsAnInstantNotAsText() {
    assertTrue(IfRange.holds("Tue, 3 Nov 2026 10:00:00 GMT", "\"a\"", DATE));
  }

  @Test
  void datesOutsideTheHttpFormatNeverMatch() {
    assertFalse(IfRange.holds("2026-11-03T10:00:00Z", "\"a\"", "2026-11-03T10:00:00Z"));
    assertFalse(IfRange.holds("Tue, 03 Nov 2026 10:00:00 +0000", "\"a\"", "Tue, 03 Nov 2026 10:00:00 +0000"));
  }
}

package io.ispcache.content;

import static io.ispcache.content.Preconditions.Outcome.FAILED;
import static io.ispcache.content.Preconditions.Outcome.NOT_MODIFIED;
import static io.ispcache.content.Preconditions.Outcome.PROCEED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ispcache.content.Preconditions.Fields;
import io.ispcache.content.Preconditions.Outcome;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The RFC 9110 §13.2.2 evaluation, one row per case: fields in, outcome out. */
class PreconditionsTest {
  static final String ETAG = "\"v1\"";
  static final String LM = "Tue, 03 Nov 2026 10:00:00 GMT";
  static final String BEFORE = "Tue, 03 Nov 2026 09:59:59 GMT";
  static final String AFTER = "Tue, 03 Nov 2026 10:00:01 GMT";

  static Fields ifMatch(String v) {
    return new Fields(v, null, null, null);
  }

  static Fields ifNoneMatch(String v) {
    return new Fields(null, v, null, null);
  }

  static Fields ims(String v) {
    return new Fields(null, null, v, null);
  }

  static Fields ius(String v) {
    return new Fields(null, null, null, v);
  }

  static Stream<Arguments> getRows() {
    return Stream.of(
        row("no conditions", Fields.NONE, ETAG, LM, PROCEED),
        // If-Match: strong comparison, "*", lists
        row("If-Match current", ifMatch(ETAG), ETAG, LM, PROCEED),
        row("If-Match other", ifMatch("\"other\""), ETAG, LM, FAILED),
        row("If-Match *", ifMatch("*"), ETAG, LM, PROCEED),
        row("If-Match * without a stored ETag", ifMatch(" * "), null, LM, PROCEED),
        row("If-Match list holding current", ifMatch("\"a\", \"v1\" ,\"b\""), ETAG, LM, PROCEED),
        row("If-Match weak of current", ifMatch("W/\"v1\""), ETAG, LM, FAILED),
        row("If-Match current on a weak stored tag", ifMatch("\"v1\""), "W/\"v1\"", LM, FAILED),
        row("If-Match without a stored ETag", ifMatch(ETAG), null, LM, FAILED),
        row("If-Match malformed", ifMatch("v1"), ETAG, LM, FAILED),
        row("If-Match differently cased", ifMatch("\"V1\""), ETAG, LM, FAILED),
        // If-Unmodified-Since: only without If-Match
        row("IUS older than LM", ius(BEFORE), ETAG, LM, FAILED),
        row("IUS equal to LM", ius(LM), ETAG, LM, PROCEED),
        row("IUS newer than LM", ius(AFTER), ETAG, LM, PROCEED),
        row("IUS invalid", ius("yesterday"), ETAG, LM, PROCEED),
        row("IUS a list of dates", ius(BEFORE + ", " + BEFORE), ETAG, LM, PROCEED),
        row("IUS without a stored LM", ius(BEFORE), ETAG, null, PROCEED),
        row("IUS old ignored beside a matching If-Match", new Fields(ETAG, null, null, BEFORE), ETAG, LM, PROCEED),
        row("If-Match other fails before IUS is looked at", new Fields("\"x\"", null, null, AFTER), ETAG, LM, FAILED),
        // If-None-Match: weak comparison, "*", lists
        row("If-None-Match current", ifNoneMatch(ETAG), ETAG, LM, NOT_MODIFIED),
        row("If-None-Match other", ifNoneMatch("\"other\""), ETAG, LM, PROCEED),
        row("If-None-Match *", ifNoneMatch("*"), ETAG, LM, NOT_MODIFIED),
        row("If-None-Match weak of current", ifNoneMatch("W/\"v1\""), ETAG, LM, NOT_MODIFIED),
        row("If-None-Match current on a weak stored tag", ifNoneMatch(ETAG), "W/\"v1\"", LM, NOT_MODIFIED),
        row("If-None-Match list holding current", ifNoneMatch("\"a\",W/\"v1\""), ETAG, LM, NOT_MODIFIED),
        row("If-None-Match list with empty members", ifNoneMatch(" , \"a\",, \"v1\" ,"), ETAG, LM, NOT_MODIFIED),
        row("If-None-Match malformed", ifNoneMatch("v1"), ETAG, LM, PROCEED),
        row("If-None-Match without a stored ETag", ifNoneMatch(ETAG), null, LM, PROCEED),
        row("If-None-Match * without a stored ETag", ifNoneMatch("*"), null, LM, NOT_MODIFIED),
        // If-Modified-Since: only without If-None-Match
        row("IMS equal to LM", ims(LM), ETAG, LM, NOT_MODIFIED),
        row("IMS newer than LM", ims(AFTER), ETAG, LM, NOT_MODIFIED),
        row("IMS older than LM", ims(BEFORE), ETAG, LM, PROCEED),
        row("IMS invalid", ims("Tue, 03 Nov 2026 10:00:00 UTC"), ETAG, LM, PROCEED),
        row("IMS two members", ims(LM + ", " + LM), ETAG, LM, PROCEED),
        row("IMS in RFC 850 form", ims("Tuesday, 03-Nov-26 10:00:00 GMT"), ETAG, LM, NOT_MODIFIED),
        row("IMS in asctime form", ims("Tue Nov  3 10:00:00 2026"), ETAG, LM, NOT_MODIFIED),
        row("IMS against an LM in asctime form", ims(LM), ETAG, "Tue Nov  3 10:00:00 2026", NOT_MODIFIED),
        row("IMS without a stored LM", ims(LM), ETAG, null, PROCEED),
        row("IMS ignored beside a non-matching If-None-Match", new Fields(null, "\"x\"", LM, null), ETAG, LM, PROCEED),
        row("If-None-Match decides beside an older IMS", new Fields(null, ETAG, BEFORE, null), ETAG, LM, NOT_MODIFIED),
        // order: a failed If-Match wins over a matching If-None-Match
        row("If-Match other and If-None-Match current", new Fields("\"x\"", ETAG, null, null), ETAG, LM, FAILED),
        row("IUS old and IMS equal", new Fields(null, null, LM, BEFORE), ETAG, LM, FAILED),
        row("If-Match current and If-None-Match current", new Fields(ETAG, ETAG, null, null), ETAG, LM, NOT_MODIFIED));
  }

  static Arguments row(String name, Fields fields, String etag, String lastModified, Outcome outcome) {
    return Arguments.of(name, fields, etag, lastModified, outcome);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("getRows")
  void getAndHeadAreEvaluatedInTheRfcOrder(String name, Fields fields, String etag, String lastModified, Outcome outcome) {
    assertEquals(outcome, Preconditions.evaluate(true, fields, etag, lastModified));
  }

  static Stream<Arguments> otherMethodRows() {
    return Stream.of(
        row("If-None-Match current fails", ifNoneMatch(ETAG), ETAG, LM, FAILED),
        row("If-None-Match * fails", ifNoneMatch("*"), ETAG, LM, FAILED),
        row("IMS is ignored", ims(LM), ETAG, LM, PROCEED),
        row("If-Match other fails", ifMatch("\"x\""), ETAG, LM, FAILED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("otherMethodRows")
  void otherMethodsGetNo304(String name, Fields fields, String etag, String lastModified, Outcome outcome) {
    assertEquals(outcome, Preconditions.evaluate(false, fields, etag, lastModified));
  }
}

package io.ispcache.content;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Evaluates {@code If-Range} (RFC 9110 §13.1.5). */
public final class IfRange {
  private IfRange() {}

  /**
   * True when the range may be sent: no header, a strong entity-tag equal to the stored strong
   * ETag, or an HTTP-date exactly equal to Last-Modified. A weak tag never matches, nor does a
   * value that is neither an entity-tag nor a date (then the whole representation is sent).
   */
  public static boolean holds(String ifRange, String etag, String lastModified) {
    if (ifRange == null) {
      return true;
    }
    String v = ifRange.strip();
    if (v.isEmpty() || v.startsWith("W/")) {
      return false; // §13.1.5: a weak entity-tag is never a match
    }
    if (v.startsWith("\"")) {
      return isStrongTag(v) && etag != null && etag.strip().equals(v);
    }
    if (lastModified == null) {
      return false;
    }
    // "exact match": the same instant, so compare parsed dates, not spellings of them.
    Optional<ZonedDateTime> asked = httpDate(v);
    Optional<ZonedDateTime> stored = httpDate(lastModified.strip());
    return asked.isPresent() && stored.isPresent() && asked.get().toInstant().equals(stored.get().toInstant());
  }

  /** entity-tag = DQUOTE *etagc DQUOTE, with no DQUOTE inside (§8.8.3). */
  private static boolean isStrongTag(String v) {
    return v.length() >= 2 && v.endsWith("\"") && v.indexOf('"', 1) == v.length() - 1;
  }

  /** IMF-fixdate, the form every sender must generate (§5.6.7); "GMT" only. */
  private static Optional<ZonedDateTime> httpDate(String v) {
    if (!v.endsWith(" GMT")) {
      return Optional.empty();
    }
    try {
      return Optional.of(ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}

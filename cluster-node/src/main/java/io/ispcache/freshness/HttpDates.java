package io.ispcache.freshness;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** HTTP-date (RFC 9110 §5.6.7): the IMF-fixdate every sender writes, and the two obsolete forms a recipient accepts. */
public final class HttpDates {
  /** What {@link #parse} returns for a value that is no HTTP-date. */
  public static final long INVALID = Long.MIN_VALUE;

  private static final DateTimeFormatter IMF =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT);
  private static final DateTimeFormatter RFC850 =
      DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.ROOT);
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);

  private HttpDates() {}

  /** Milliseconds since the epoch, or {@link #INVALID}. */
  public static long parse(String value) {
    if (value == null) {
      return INVALID;
    }
    String v = value.strip();
    for (DateTimeFormatter f : new DateTimeFormatter[] {IMF, RFC850, ASCTIME}) {
      try {
        LocalDateTime t = LocalDateTime.parse(v, f);
        if (f == RFC850 && t.getYear() > java.time.Year.now(ZoneOffset.UTC).getValue() + 50) {
          t = t.minusYears(100); // §5.6.7: a two-digit year more than 50 years ahead is in the past century
        }
        return t.toInstant(ZoneOffset.UTC).toEpochMilli();
      } catch (DateTimeParseException e) {
        // next form
      }
    }
    return INVALID;
  }

  /** The IMF-fixdate of {@code epochMillis}. */
  public static String format(long epochMillis) {
    return IMF.format(java.time.Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC));
  }
}

package io.ispcache.freshness;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.OptionalLong;

/**
 * Parses an HTTP-date (RFC 9110 §5.6.7) in each of the three forms a recipient must accept:
 * IMF-fixdate ({@code Sun, 06 Nov 1994 08:49:37 GMT}), the obsolete RFC 850 form ({@code
 * Sunday, 06-Nov-94 08:49:37 GMT}) and asctime ({@code Sun Nov  6 08:49:37 1994}). The grammar is
 * case-sensitive and exact: anything else (other zones, missing zero padding, a second date
 * after a comma) is no HTTP-date. The day name is checked against the grammar, not the calendar.
 */
public final class HttpDate {
  private HttpDate() {}

  private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  private static final String[] LONG_DAYS = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
  };
  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };

  private static final java.time.format.DateTimeFormatter IMF_FIXDATE =
      java.time.format.DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US);

  /** What {@link #millis} returns for a value that is no HTTP-date. */
  public static final long INVALID = Long.MIN_VALUE;

  /** Milliseconds since the epoch of {@code value}, or {@link #INVALID}. */
  public static long millis(String value) {
    OptionalLong seconds = parse(value);
    return seconds.isPresent() ? seconds.getAsLong() * 1000 : INVALID;
  }

  /** The IMF-fixdate of {@code epochMillis}. */
  public static String format(long epochMillis) {
    return IMF_FIXDATE.format(java.time.Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC));
  }

  /** Seconds since the epoch of {@code value}, or empty when it is no valid HTTP-date. */
  public static OptionalLong parse(String value) {
    return parse(value, -1);
  }

  /**
   * As {@link #parse(String)}, with {@code currentYear} placing an RFC 850 two-digit year: one
   * that would be more than 50 years in the future is the most recent past year with those digits.
   */
  public static OptionalLong parse(String value, int currentYear) {
    if (value == null) {
      return OptionalLong.empty();
    }
    String v = value.strip();
    int comma = v.indexOf(',');
    if (comma == 3) {
      return imfFixdate(v);
    }
    if (comma > 3) {
      // The clock is read only for this obsolete form: an IMF-fixdate parse (every hit of an
      // object with a heuristic lifetime) does not look at it.
      return rfc850(v, comma, currentYear < 0 ? LocalDate.now(ZoneOffset.UTC).getYear() : currentYear);
    }
    return comma < 0 ? asctime(v) : OptionalLong.empty();
  }

  /** {@code day-name "," SP 2DIGIT SP month SP 4DIGIT SP time-of-day SP "GMT"}. */
  private static OptionalLong imfFixdate(String v) {
    if (v.length() != 29
        || !oneOf(v, 0, DAYS)
        || v.charAt(4) != ' '
        || v.charAt(7) != ' '
        || v.charAt(11) != ' '
        || v.charAt(16) != ' '
        || !v.startsWith(" GMT", 25)) {
      return OptionalLong.empty();
    }
    return instant(digits(v, 12, 4), month(v, 8), digits(v, 5, 2), v, 17);
  }

  /** {@code day-name-l "," SP 2DIGIT "-" month "-" 2DIGIT SP time-of-day SP "GMT"}. */
  private static OptionalLong rfc850(String v, int comma, int currentYear) {
    String day = v.substring(0, comma);
    boolean known = false;
    for (String d : LONG_DAYS) {
      known |= d.equals(day);
    }
    int d = comma + 2; // first digit of the day of month
    if (!known
        || v.length() != d + 22
        || v.charAt(comma + 1) != ' '
        || v.charAt(d + 2) != '-'
        || v.charAt(d + 6) != '-'
        || v.charAt(d + 9) != ' '
        || !v.startsWith(" GMT", d + 18)) {
      return OptionalLong.empty();
    }
    int yy = digits(v, d + 7, 2);
    if (yy < 0) {
      return OptionalLong.empty();
    }
    // §5.6.7: a two-digit year more than 50 years ahead is the most recent past one.
    int year = currentYear - Math.floorMod(currentYear, 100) + yy;
    if (year > currentYear + 50) {
      year -= 100;
    } else if (year + 100 <= currentYear + 50) {
      year += 100;
    }
    return instant(year, month(v, d + 3), digits(v, d, 2), v, d + 10);
  }

  /** {@code day-name SP month SP ( 2DIGIT / ( SP DIGIT ) ) SP time-of-day SP 4DIGIT}. */
  private static OptionalLong asctime(String v) {
    if (v.length() != 24
        || !oneOf(v, 0, DAYS)
        || v.charAt(3) != ' '
        || v.charAt(7) != ' '
        || v.charAt(10) != ' '
        || v.charAt(19) != ' ') {
      return OptionalLong.empty();
    }
    int day = v.charAt(8) == ' ' ? digits(v, 9, 1) : digits(v, 8, 2);
    return instant(digits(v, 20, 4), month(v, 4), day, v, 11);
  }

  /** The instant of a date and the {@code HH:MM:SS} at {@code time}; -1 parts are no date. */
  private static OptionalLong instant(int year, int month, int day, String v, int time) {
    if (v.charAt(time + 2) != ':' || v.charAt(time + 5) != ':') {
      return OptionalLong.empty();
    }
    int hour = digits(v, time, 2);
    int minute = digits(v, time + 3, 2);
    int second = digits(v, time + 6, 2);
    if (year < 0 || month < 1 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
        || second < 0 || second > 60) { // 60: a leap second, which the grammar allows
      return OptionalLong.empty();
    }
    if (day > LocalDate.of(year, month, 1).lengthOfMonth()) {
      return OptionalLong.empty();
    }
    long days = LocalDate.of(year, month, day).toEpochDay();
    return OptionalLong.of(days * 86_400 + hour * 3_600L + minute * 60L + second);
  }

  /** The month (1-12) named at {@code at}, or -1. */
  private static int month(String v, int at) {
    for (int m = 0; m < MONTHS.length; m++) {
      if (v.startsWith(MONTHS[m], at)) {
        return m + 1;
      }
    }
    return -1;
  }

  private static boolean oneOf(String v, int at, String[] names) {
    for (String n : names) {
      if (v.startsWith(n, at)) {
        return true;
      }
    }
    return false;
  }

  /** The decimal of {@code count} ASCII digits at {@code at}, or -1. */
  private static int digits(String v, int at, int count) {
    int n = 0;
    for (int i = at; i < at + count; i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}

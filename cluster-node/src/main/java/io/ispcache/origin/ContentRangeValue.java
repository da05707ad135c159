package io.ispcache.origin;

import java.util.Optional;

/** A parsed {@code Content-Range} response header (RFC 9110 §14.4) as origins send it. */
record ContentRangeValue(long first, long last, long length) {

  /** {@code bytes a-b/len}; empty for anything else, including an unknown length ({@code /*}). */
  static Optional<ContentRangeValue> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String v = value.trim();
    if (!v.regionMatches(true, 0, "bytes ", 0, 6)) {
      return Optional.empty();
    }
    v = v.substring(6).trim();
    int dash = v.indexOf('-');
    int slash = v.indexOf('/');
    if (dash <= 0 || slash <= dash + 1) {
      return Optional.empty();
    }
    try {
      long first = Long.parseLong(v.substring(0, dash));
      long last = Long.parseLong(v.substring(dash + 1, slash));
      long length = Long.parseLong(v.substring(slash + 1));
      if (first < 0 || last < first || length <= last) {
        return Optional.empty();
      }
      return Optional.of(new ContentRangeValue(first, last, length));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The length in {@code bytes *}{@code /len} of a 416 answer; empty when absent or malformed. */
  static Optional<Long> unsatisfiedLength(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String v = value.trim();
    if (!v.regionMatches(true, 0, "bytes */", 0, 8)) {
      return Optional.empty();
    }
    try {
      long length = Long.parseLong(v.substring(8).trim());
      return length >= 0 ? Optional.of(length) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}

package io.ispcache.freshness;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The directives of every {@code Cache-Control} (or {@code CDN-Cache-Control}) field line of one
 * message, combined (RFC 9110 §5.3: several lines are one comma-separated list). Names are
 * case-insensitive; a value may be a token or a quoted string, whose commas do not split.
 */
public final class CacheControl {
  /** No directives at all. */
  public static final CacheControl NONE = new CacheControl(Map.of(), List.of());

  private final Map<String, String> directives;
  /** Delta-seconds directives given twice with different values, or with a value that is no number. */
  private final List<String> invalid;

  private CacheControl(Map<String, String> directives, List<String> invalid) {
    this.directives = directives;
    this.invalid = invalid;
  }

  /** The directives of all {@code lines}; null or no lines give {@link #NONE}. */
  public static CacheControl parse(List<String> lines) {
    if (lines == null || lines.isEmpty()) {
      return NONE;
    }
    Map<String, String> directives = new LinkedHashMap<>();
    List<String> invalid = new ArrayList<>();
    for (String line : lines) {
      for (String item : split(line)) {
        int eq = item.indexOf('=');
        String name = (eq < 0 ? item : item.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
        if (name.isEmpty()) {
          continue;
        }
        String value = eq < 0 ? "" : unquote(item.substring(eq + 1).trim());
        String before = directives.putIfAbsent(name, value);
        if (before != null && !before.equals(value)) {
          invalid.add(name); // max-age=60, max-age=0: conflicting freshness is no freshness (RFC 9111 §4.2.1)
        }
      }
    }
    return directives.isEmpty() ? NONE : new CacheControl(Collections.unmodifiableMap(directives), List.copyOf(invalid));
  }

  public boolean isEmpty() {
    return directives.isEmpty();
  }

  public boolean has(String name) {
    return directives.containsKey(name);
  }

  /** The directive's argument ({@code ""} when it has none), or null when absent. */
  public String argument(String name) {
    return directives.get(name);
  }

  /**
   * A delta-seconds directive's value in seconds: -1 when absent, -2 when present but unusable (not
   * a number, or given twice with different values). Values beyond 2^31 are capped there (RFC 9111
   * §1.2.2).
   */
  public long seconds(String name) {
    String v = directives.get(name);
    if (v == null) {
      return -1;
    }
    if (invalid.contains(name) || v.isEmpty()) {
      return -2;
    }
    long n = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -2;
      }
      n = Math.min(n * 10 + (c - '0'), 1L << 31);
    }
    return n;
  }

  /** The directives as one field value, in their first order (for diagnostics and tests). */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    directives.forEach((k, v) -> {
      if (b.length() > 0) {
        b.append(", ");
      }
      b.append(k);
      if (!v.isEmpty()) {
        b.append('=').append(v);
      }
    });
    return b.toString();
  }

  /** Splits on commas outside quoted strings. */
  private static List<String> split(String line) {
    List<String> items = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted && c == '\\' && i + 1 < line.length()) {
        current.append(c).append(line.charAt(++i));
        continue;
      }
      if (c == '"') {
        quoted = !quoted;
      }
      if (c == ',' && !quoted) {
        items.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    items.add(current.toString());
    return items;
  }

  private static String unquote(String v) {
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      StringBuilder b = new StringBuilder(v.length());
      for (int i = 1; i < v.length() - 1; i++) {
        char c = v.charAt(i);
        if (c == '\\' && i + 1 < v.length() - 1) {
          c = v.charAt(++i);
        }
        b.append(c);
      }
      return b.toString();
    }
    return v;
  }
}

package io.ispcache.content;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Parses and resolves the {@code Range} request header (RFC 9110 §14.1-14.2). */
public final class RangeHeader {
  private RangeHeader() {}

  /** One range-spec as written by the client. */
  public sealed interface RangeSpec permits FromTo, Suffix {}

  /** {@code first-last} or {@code first-}. */
  public record FromTo(long first, OptionalLong last) implements RangeSpec {}

  /** {@code -length}: the last {@code length} bytes. */
  public record Suffix(long length) implements RangeSpec {}

  /** The outcome of resolving specs against a representation length. */
  public sealed interface Resolution permits Satisfiable, Unsatisfiable {}

  public record Satisfiable(List<ByteRange> ranges) implements Resolution {}

  public record Unsatisfiable() implements Resolution {}

  /**
   * The specs of a {@code bytes=} ranges-specifier; empty when the header is malformed, uses
   * another unit, or has more than {@code maxRanges} specs (which {@link #tooMany} tells apart).
   * Whitespace (SP or HTAB) is allowed around the whole value, around {@code =} and around list
   * elements (§5.6.1 OWS), never inside a spec.
   */
  public static Optional<List<RangeSpec>> parse(String value, int maxRanges) {
    if (maxRanges < 1) {
      throw new IllegalArgumentException("maxRanges must be at least 1, was " + maxRanges);
    }
    if (value == null) {
      return Optional.empty();
    }
    int eq = value.indexOf('=');
    if (eq < 0 || !ows(value, 0, eq).equalsIgnoreCase("bytes")) {
      return Optional.empty();
    }
    List<RangeSpec> specs = new ArrayList<>();
    // Scans element by element, so a hostile header with thousands of specs costs no more than
    // maxRanges + 1 of them before it is ignored.
    int from = eq + 1;
    while (from <= value.length()) {
      int comma = value.indexOf(',', from);
      int to = comma < 0 ? value.length() : comma;
      String part = ows(value, from, to);
      if (!part.isEmpty()) { // §5.6.1: empty list elements are allowed and ignored
        Optional<RangeSpec> spec = spec(part);
        if (spec.isEmpty() || specs.size() == maxRanges) {
          return Optional.empty();
        }
        specs.add(spec.get());
      }
      from = to + 1;
    }
    return specs.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(specs));
  }

  /**
   * Whether {@code value} asks for more than {@code maxRanges} ranges: its first
   * {@code maxRanges + 1} list elements are well-formed specs. Such a request is refused with a
   * 416 rather than answered with the whole object (RFC 9110 §14.2 allows ignoring or rejecting
   * it): ignoring the header turns a request for a few small pieces into gigabytes of an Xbox
   * package, and answering only the first ranges gives a client that does not read every part's
   * Content-Range bytes it did not ask for in the places it did. Looks at no more than
   * {@code maxRanges + 1} elements.
   */
  public static boolean tooMany(String value, int maxRanges) {
    if (value == null) {
      return false;
    }
    int elements = 0;
    int from = value.indexOf('=') + 1;
    if (from == 0) {
      return false;
    }
    while (from <= value.length()) {
      int comma = value.indexOf(',', from);
      int to = comma < 0 ? value.length() : comma;
      if (!ows(value, from, to).isEmpty() && ++elements > maxRanges) {
        return parse(value.substring(0, to), maxRanges + 1).isPresent();
      }
      from = to + 1;
    }
    return false;
  }

  /** {@code value[from, to)} without the SP/HTAB around it. */
  private static String ows(String value, int from, int to) {
    int a = from;
    int b = to;
    while (a < b && isOws(value.charAt(a))) {
      a++;
    }
    while (b > a && isOws(value.charAt(b - 1))) {
      b--;
    }
    return value.substring(a, b);
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }

  private static Optional<RangeSpec> spec(String part) {
    int dash = part.indexOf('-');
    if (dash < 0 || part.indexOf('-', dash + 1) >= 0) {
      return Optional.empty();
    }
    String a = part.substring(0, dash);
    String b = part.substring(dash + 1);
    if (a.isEmpty()) {
      OptionalLong n = digits(b);
      return n.isPresent() ? Optional.of(new Suffix(n.getAsLong())) : Optional.empty();
    }
    OptionalLong first = digits(a);
    if (first.isEmpty()) {
      return Optional.empty();
    }
    if (b.isEmpty()) {
      return Optional.of(new FromTo(first.getAsLong(), OptionalLong.empty()));
    }
    OptionalLong last = digits(b);
    if (last.isEmpty() || last.getAsLong() < first.getAsLong()) {
      return Optional.empty(); // §14.1.1: last-pos < first-pos makes the whole set invalid
    }
    return Optional.of(new FromTo(first.getAsLong(), last));
  }

  /**
   * 1*DIGIT (ASCII only; leading zeros allowed); empty otherwise. A number too large for a long is
   * valid syntax for a position past any end, so it is capped at Long.MAX_VALUE: a first position
   * that large is unsatisfiable (416), a last position or suffix that large reaches the end.
   */
  private static OptionalLong digits(String s) {
    if (s.isEmpty()) {
      return OptionalLong.empty();
    }
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return OptionalLong.empty();
      }
      n = n > (Long.MAX_VALUE - (c - '0')) / 10 ? Long.MAX_VALUE : n * 10 + (c - '0');
    }
    return OptionalLong.of(n);
  }

  /**
   * Resolves specs against {@code length} (§14.1.2): unsatisfiable specs are dropped, a last
   * position beyond the end is clamped, a suffix longer than the representation selects all of
   * it; overlapping or adjacent ranges are coalesced (§14.3 allows it) while request order is kept
   * otherwise.
   */
  public static Resolution resolve(List<RangeSpec> specs, long length) {
    if (length < 0) {
      throw new IllegalArgumentException("representation length must not be negative, was " + length);
    }
    List<ByteRange> ranges = new ArrayList<>();
    for (RangeSpec spec : specs) {
      if (spec instanceof FromTo f) {
        if (f.first() >= length) {
          continue;
        }
        long last = f.last().isPresent() ? Math.min(f.last().getAsLong(), length - 1) : length - 1;
        ranges.add(new ByteRange(f.first(), last));
      } else if (spec instanceof Suffix s) {
        if (s.length() == 0 || length == 0) {
          continue;
        }
        ranges.add(new ByteRange(Math.max(0, length - s.length()), length - 1));
      }
    }
    if (ranges.isEmpty()) {
      return new Unsatisfiable();
    }
    return new Satisfiable(coalesce(ranges));
  }

  /**
   * Merges overlapping or adjacent ranges; each merged range takes the place of the earliest
   * requested range it absorbed, so untouched ranges keep the client's order.
   */
  private static List<ByteRange> coalesce(List<ByteRange> ranges) {
    List<ByteRange> merged = new ArrayList<>(ranges.size());
    for (ByteRange next : ranges) {
      ByteRange current = next;
      int at = -1;
      boolean grew = true;
      while (grew) { // a union may now touch ranges it did not touch before
        grew = false;
        for (int i = 0; i < merged.size(); i++) {
          ByteRange m = merged.get(i);
          if (touch(m, current)) {
            current = new ByteRange(Math.min(m.first(), current.first()), Math.max(m.last(), current.last()));
            merged.remove(i);
            at = at < 0 ? i : Math.min(at, i);
            grew = true;
            break;
          }
        }
      }
      if (at < 0) {
        merged.add(current);
      } else {
        merged.add(at, current);
      }
    }
    return List.copyOf(merged);
  }

  private static boolean touch(ByteRange a, ByteRange b) {
    // Adjacent counts as touching; compared without +1 so Long.MAX_VALUE cannot overflow.
    return a.first() <= b.last() && b.first() <= a.last()
        || a.last() < b.first() && b.first() - a.last() == 1
        || b.last() < a.first() && a.first() - b.last() == 1;
  }
}

package io.ispcache.content;

import java.util.ArrayList;
import java.util.Comparator;
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
   * another unit, or has more than {@code maxRanges} specs (then the server ignores it, §14.2).
   */
  public static Optional<List<RangeSpec>> parse(String value, int maxRanges) {
    if (value == null) {
      return Optional.empty();
    }
    String v = value.strip();
    int eq = v.indexOf('=');
    if (eq <= 0 || !v.substring(0, eq).strip().equalsIgnoreCase("bytes")) {
      return Optional.empty();
    }
    String[] parts = v.substring(eq + 1).split(",", -1);
    List<RangeSpec> specs = new ArrayList<>();
    for (String raw : parts) {
      String part = raw.strip();
      if (part.isEmpty()) {
        continue; // §5.6.1: empty list elements are allowed and ignored
      }
      Optional<RangeSpec> spec = spec(part);
      if (spec.isEmpty()) {
        return Optional.empty();
      }
      specs.add(spec.get());
      if (specs.size() > maxRanges) {
        return Optional.empty();
      }
    }
    return specs.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(specs));
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
      return Optional.empty();
    }
    return Optional.of(new FromTo(first.getAsLong(), last));
  }

  /** 1*DIGIT that fits a long. */
  private static OptionalLong digits(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return OptionalLong.empty();
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.of(Long.parseLong(s));
  }

  /**
   * Resolves specs against {@code length} (§14.1.2): unsatisfiable specs are dropped, a last
   * position beyond the end is clamped, a suffix longer than the representation selects all of
   * it; overlapping or adjacent ranges are coalesced (§14.3 allows it) while request order is kept
   * otherwise.
   */
  public static Resolution resolve(List<RangeSpec> specs, long length) {
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

  private static List<ByteRange> coalesce(List<ByteRange> ranges) {
    if (ranges.size() == 1) {
      return List.copyOf(ranges);
    }
    List<ByteRange> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparingLong(ByteRange::first));
    boolean touching = false;
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).first() <= sorted.get(i - 1).last() + 1) {
        touching = true;
        break;
      }
    }
    if (!touching) {
      return List.copyOf(ranges);
    }
    List<ByteRange> merged = new ArrayList<>();
    ByteRange current = sorted.get(0);
    for (int i = 1; i < sorted.size(); i++) {
      ByteRange next = sorted.get(i);
      if (next.first() <= current.last() + 1) {
        current = new ByteRange(current.first(), Math.max(current.last(), next.last()));
      } else {
        merged.add(current);
        current = next;
      }
    }
    merged.add(current);
    return List.copyOf(merged);
  }
}

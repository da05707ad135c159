package io.ispcache.report;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * The ranges a traffic report covers, and the step of its series: 1-minute points for 1 h and
 * 24 h, 1-hour points for 7 d and 30 d. A range ends at the start of the current step (the current
 * minute or hour is still filling, and would read low), so every point is a whole interval.
 */
public enum ReportRange {
  HOUR("1h", Duration.ofHours(1), Duration.ofMinutes(1)),
  DAY("24h", Duration.ofHours(24), Duration.ofMinutes(1)),
  WEEK("7d", Duration.ofDays(7), Duration.ofHours(1)),
  MONTH("30d", Duration.ofDays(30), Duration.ofHours(1));

  public final String label;
  public final Duration length;
  public final Duration step;

  ReportRange(String label, Duration length, Duration step) {
    this.label = label;
    this.length = length;
    this.step = step;
  }

  /** The range named {@code 1h}, {@code 24h}, {@code 7d} or {@code 30d}. */
  public static Optional<ReportRange> named(String label) {
    return Arrays.stream(values()).filter(r -> r.label.equals(label)).findFirst();
  }

  /** The range's first and (exclusive) last instant when asked at {@code now}. */
  public Window window(Instant now) {
    long stepMs = step.toMillis();
    long to = Math.floorDiv(now.toEpochMilli(), stepMs) * stepMs;
    return new Window(to - length.toMillis(), to, stepMs);
  }

  /** [{@code fromMs}, {@code toMs}) in steps of {@code stepMs}. */
  public record Window(long fromMs, long toMs, long stepMs) {
    public int points() {
      return (int) ((toMs - fromMs) / stepMs);
    }
  }
}

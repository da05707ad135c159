package io.ispcache.metrics;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/** A Prometheus-style cumulative histogram of seconds with fixed buckets. */
public final class LatencyHistogram {
  /** Upper bounds in seconds: a chunk fill spans loopback (ms) to slow upstreams (tens of s). */
  public static final double[] BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

  private final AtomicLongArray buckets = new AtomicLongArray(BOUNDS.length);
  private final LongAdder count = new LongAdder();
  private final LongAdder sumNanos = new LongAdder();

  public void record(long nanos) {
    double seconds = nanos / 1e9;
    for (int i = 0; i < BOUNDS.length; i++) {
      if (seconds <= BOUNDS[i]) {
        buckets.incrementAndGet(i);
        break;
      }
    }
    count.increment();
    sumNanos.add(nanos);
  }

  /** Cumulative count of observations at or below {@code BOUNDS[i]}. */
  public long cumulative(int i) {
    long total = 0;
    for (int j = 0; j <= i; j++) {
      total += buckets.get(j);
    }
    return total;
  }

  public long count() {
    return count.sum();
  }

  public double sumSeconds() {
    return sumNanos.sum() / 1e9;
  }
}

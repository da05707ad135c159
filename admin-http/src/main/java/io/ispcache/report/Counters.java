package io.ispcache.report;

/** A cache node's traffic counters: they only grow while its process runs, and start at zero when it restarts. */
public record Counters(long hitBytes, long missBytes, long egressBytes, long requests) {
  public static final Counters ZERO = new Counters(0, 0, 0, 0);

  /** Some counter went down: the node counts from zero again (a restart). */
  boolean anyBelow(Counters earlier) {
    return hitBytes < earlier.hitBytes || missBytes < earlier.missBytes || egressBytes < earlier.egressBytes || requests < earlier.requests;
  }

  Counters plus(Counters o) {
    return new Counters(sum(hitBytes, o.hitBytes), sum(missBytes, o.missBytes), sum(egressBytes, o.egressBytes), sum(requests, o.requests));
  }

  /** Totals saturate rather than wrap: a figure is never shown negative, however long a node runs. */
  static long sum(long a, long b) {
    long s = a + b;
    return ((a ^ s) & (b ^ s)) < 0 ? Long.MAX_VALUE : s;
  }
}

package io.ispcache.store;

import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Replays synthetic request traces of equal-sized chunks against eviction policies and prints
 * hit ratios as a Markdown table: plain LRU, the node's own {@link SegmentedLru}, and W-TinyLFU
 * (window LRU, count-min frequency admission, SLRU main) for comparison, after Caffeine's simulator.
 *
 * <p>Arguments (all optional): items requests seed. Defaults: 100000 items, 2000000 requests, seed 42.
 */
public final class EvictionSimulator {
  private EvictionSimulator() {}

  public static void main(String[] args) {
    int items = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int requests = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
    double[] cacheShares = {0.01, 0.05, 0.10};
    System.out.printf(Locale.ROOT, "%d chunks, %d requests, seed %d; hit ratio in %% (higher is better)%n%n", items, requests, seed);
    System.out.println("| trace | cache size | LRU | SLRU (node) | W-TinyLFU |");
    System.out.println("|---|---|---|---|---|");
    for (double alpha : new double[] {0.8, 1.0}) {
      for (boolean scans : new boolean[] {false, true}) {
        String name = "Zipf " + alpha + (scans ? " + 25% one-time scans" : "");
        for (double share : cacheShares) {
          int capacity = (int) (items * share);
          double lru = run(new SimulatedLru(capacity), trace(items, requests, alpha, scans, seed), requests);
          double slru = run(new SimulatedSlru(capacity), trace(items, requests, alpha, scans, seed), requests);
          double tiny = run(new SimulatedTinyLfu(capacity), trace(items, requests, alpha, scans, seed), requests);
          System.out.printf(Locale.ROOT, "| %s | %.0f%% (%d chunks) | %.2f | %.2f | %.2f |%n", name, share * 100, capacity, lru, slru, tiny);
        }
      }
    }
  }

  /** One cache under test: answers whether a request hit, admitting on a miss as it sees fit. */
  interface Policy {
    boolean access(long key);
  }

  private static double run(Policy policy, LongSupplier trace, int requests) {
    // The first tenth warms the cache and is not counted.
    int warm = requests / 10;
    long hits = 0;
    for (int i = 0; i < requests; i++) {
      boolean hit = policy.access(trace.getAsLong());
      if (i >= warm && hit) {
        hits++;
      }
    }
    return 100.0 * hits / (requests - warm);
  }

  /**
   * Zipf-distributed requests over {@code items} keys; with scans, runs of 1000 requests for keys
   * never asked for before (a crawler or a one-off large download) start with probability 1/3000
   * per request, so they make a quarter of all requests.
   */
  static LongSupplier trace(int items, int requests, double alpha, boolean scans, long seed) {
    double[] cdf = new double[items];
    double sum = 0;
    for (int i = 0; i < items; i++) {
      sum += 1 / Math.pow(i + 1, alpha);
      cdf[i] = sum;
    }
    double total = sum;
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    return new LongSupplier() {
      long nextScanKey = -1; // negative: never one of the Zipf keys
      int scanLeft;

      @Override
      public long getAsLong() {
        if (scans && scanLeft == 0 && random.nextInt(3000) == 0) {
          scanLeft = 1000;
        }
        if (scanLeft > 0) {
          scanLeft--;
          return nextScanKey--;
        }
        double u = random.nextDouble() * total;
        int lo = 0;
        int hi = items - 1;
        while (lo < hi) {
          int mid = (lo + hi) >>> 1;
          if (cdf[mid] < u) {
            lo = mid + 1;
          } else {
            hi = mid;
          }
        }
        // Spread popular ranks over the key space so hashing sees no pattern.
        return (lo * 0x9E3779B97F4A7C15L) >>> 1;
      }
    };
  }
}

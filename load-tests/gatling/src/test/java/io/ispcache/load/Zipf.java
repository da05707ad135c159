package io.ispcache.load;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/** Ranks 0..n-1 drawn with probability proportional to 1/(rank+1)^s: the popularity of a download catalogue. */
final class Zipf {
  private final double[] cumulative;

  Zipf(int n, double s) {
    if (n < 1) {
      throw new IllegalArgumentException("a Zipf distribution needs at least one rank, not " + n);
    }
    if (!(s > 0 && s <= 4)) {
      throw new IllegalArgumentException("Zipf exponent " + s + ": must be above 0 and at most 4");
    }
    cumulative = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += 1 / Math.pow(k + 1, s);
      cumulative[k] = sum;
    }
    for (int k = 0; k < n; k++) {
      cumulative[k] /= sum;
    }
  }

  int next(RandomGenerator random) {
    int i = Arrays.binarySearch(cumulative, random.nextDouble());
    int rank = i >= 0 ? i : -i - 1;
    return Math.min(rank, cumulative.length - 1);
  }
}

package io.ispcache.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * The cost of one egress count on the content server's write path, as it was (a LongAdder) and as
 * it is (the Micrometer counter {@link NodeMetrics#hitBytes()} hands out): one add per socket
 * write, from one thread and from two at once (the server runs an I/O thread per core). A loop
 * timed with {@code System.nanoTime}, not JMH: it shows whether the count costs alike, not its
 * nanoseconds. Arguments: adds per thread and round (default 100000000). Run, once the node's
 * jar and the test classes are built ({@code mvn -B -pl cluster-node -am package -DskipTests}), with
 * {@code java -cp cluster-node/target/ispcache-node.jar:cluster-node/target/test-classes
 * io.ispcache.metrics.EgressCountBenchmark}.
 */
public final class EgressCountBenchmark {
  private EgressCountBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000_000;
    io.micrometer.core.instrument.Counter counter = new NodeMetrics().hitBytes();
    LongAdder adder = new LongAdder();
    for (int round = 0; round < 5; round++) {
      for (int threads = 1; threads <= 2; threads++) {
        double before = perAdd(threads, n, () -> {
          for (int i = 0; i < n; i++) {
            adder.add(65_536 + (i & 7));
          }
        });
        double after = perAdd(threads, n, () -> {
          for (int i = 0; i < n; i++) {
            counter.increment(65_536 + (i & 7));
          }
        });
        System.out.printf("round %d, %d thread(s): LongAdder.add %.2f ns, Counter.increment %.2f ns per add%n",
            round, threads, before, after);
      }
    }
    System.out.printf("(sums %d and %.0f)%n", adder.sum(), counter.count());
  }

  /** Wall-clock nanoseconds per add while {@code threads} threads each run {@code adds} adds at once. */
  private static double perAdd(int threads, int adds, Runnable work) throws InterruptedException {
    Thread[] running = new Thread[threads];
    long started = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      running[t] = new Thread(work);
      running[t].start();
    }
    for (Thread t : running) {
      t.join();
    }
    return (System.nanoTime() - started) / (double) adds;
  }
}

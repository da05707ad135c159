package io.ispcache.registry;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.pattern.StatusReply;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import inet.ipaddr.IPAddress;
import inet.ipaddr.ipv4.IPv4Address;
import io.ispcache.jdbc.RegistryDatabase;
import io.ispcache.routing.NodeRoute;
import io.ispcache.routing.RoutingTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Registry benchmarks (not a test; run it as {@code load-tests/README.md} says): (1) steering
 * lookups in process against 100,000 prefixes, one thread; (2) registry writes on embedded H2:
 * {@code nodes} cache nodes of {@code customers} customers created and edited once each, then
 * {@code probes} more creates and CIDR edits timed one by one with all of those registered; (3)
 * recovery of the registry from that history.
 */
public final class RegistryBench {
  public static void main(String[] args) throws Exception {
    lookups();
    writesAndRecovery(Integer.getInteger("nodes", 10_000), Integer.getInteger("customers", 20), Integer.getInteger("probes", 1_000));
    System.exit(0);
  }

  static void lookups() {
    SplittableRandom random = new SplittableRandom(42);
    RoutingTable.Builder b = new RoutingTable.Builder();
    int prefixes = 100_000;
    for (int i = 0; i < prefixes; i++) {
      int len = 16 + random.nextInt(13); // /16 .. /28, the sizes ISPs register
      int addr = random.nextInt() & (len == 32 ? -1 : ~((1 << (32 - len)) - 1));
      IPAddress block = new IPv4Address(addr, len).toPrefixBlock();
      b.add(block, new NodeRoute("n" + i, "c" + (i % 500), "node" + i, "20.0.0." + (i % 250), 1000));
    }
    RoutingTable table = b.build(1);
    IPAddress[] clients = new IPAddress[1 << 16];
    for (int i = 0; i < clients.length; i++) {
      clients[i] = new IPv4Address(random.nextInt());
    }
    long found = 0;
    for (int round = 0; round < 5; round++) { // warm-up and measure
      long start = System.nanoTime();
      int n = 2_000_000;
      for (int i = 0; i < n; i++) {
        if (table.longestMatch(clients[i & (clients.length - 1)]).isPresent()) {
          found++;
        }
      }
      double secs = (System.nanoTime() - start) / 1e9;
      System.out.printf("steering lookups, %d prefixes, 1 thread: %.2f M lookups/s (round %d)%n", prefixes, n / secs / 1e6, round);
    }
    System.out.println("(matches found: " + found + ")");
  }

  static void writesAndRecovery(int nodes, int customers, int probes) throws Exception {
    if (customers < 2 || nodes < 2 * customers) {
      throw new IllegalArgumentException("the bench needs at least 2 customers and 2 nodes per customer");
    }
    Path dir = Files.createTempDirectory("registry-bench");
    Config config =
        ConfigFactory.parseString("ispcache.data-dir = \"" + dir + "\"\nakka.loglevel = WARNING\n")
            .withFallback(ConfigFactory.parseResources("ispcache-persistence.conf"))
            .withFallback(ConfigFactory.defaultReference())
            .resolve();
    RegistryDatabase.fromConfig(config).createTablesIfAbsent();
    ActorSystem<Void> first = ActorSystem.create(Behaviors.empty(), "bench", config);
    ActorRef<Registry.Command> registry = first.systemActorOf(Registry.create(s -> {}, false), "registry", akka.actor.typed.Props.empty());
    List<Customer> cs = new ArrayList<>();
    List<Resource> rs = new ArrayList<>();
    for (int k = 0; k < customers; k++) {
      final int i = k;
      Customer c = ask(first, registry, r -> new Registry.CreateCustomer("Bench ISP " + i, "bench", r));
      cs.add(c);
      rs.add(ask(first, registry, r -> new Registry.CreateResource(c.id(), "main", "bench", r)));
    }
    long t0 = System.nanoTime();
    long[] creates = new long[nodes];
    for (int i = 0; i < nodes; i++) {
      long t = System.nanoTime();
      CacheNode n = create(first, registry, cs, rs, i);
      creates[i] = System.nanoTime() - t;
      RegistryBench.<CacheNode>ask(first, registry, r -> new Registry.UpdateCacheNode(n.id(), new Registry.NodeChanges(null, null, 2000, null), "bench", r));
    }
    System.out.printf("wrote %d nodes' history (%d customers, %d events) in %.1f s; creates of nodes %d-%d: %s%n", nodes, customers,
        2 * customers + 2 * nodes, (System.nanoTime() - t0) / 1e9, nodes - nodes / 10, nodes, percentiles(Arrays.copyOfRange(creates, nodes - nodes / 10, nodes)));

    // With all of them registered: creates of new nodes, and CIDR edits that overlap another customer's held space.
    long[] probeCreates = new long[probes];
    long[] probeEdits = new long[probes];
    for (int i = 0; i < probes; i++) {
      long t = System.nanoTime();
      CacheNode n = create(first, registry, cs, rs, nodes + i);
      probeCreates[i] = System.nanoTime() - t;
      int other = i % customers == (nodes + i) % customers ? i + 1 : i; // a node of another customer
      String overlapping = cidr(other) + ", " + cidr(nodes + i);
      t = System.nanoTime();
      RegistryBench.<CacheNode>ask(first, registry, r -> new Registry.UpdateCacheNode(n.id(), new Registry.NodeChanges(null, overlapping, null, null), "bench", r));
      probeEdits[i] = System.nanoTime() - t;
    }
    System.out.printf("with %d nodes registered, %d creates: %s%n", nodes, probes, percentiles(probeCreates));
    System.out.printf("with %d nodes registered, %d CIDR edits onto another customer's space: %s%n", nodes, probes, percentiles(probeEdits));
    first.terminate();
    first.getWhenTerminated().toCompletableFuture().join();

    ActorSystem<Void> second = ActorSystem.create(Behaviors.empty(), "bench2", config);
    long t1 = System.nanoTime();
    ActorRef<Registry.Command> again = second.systemActorOf(Registry.create(s -> {}, false), "registry", akka.actor.typed.Props.empty());
    RegistryState state = ask(second, again, Registry.GetState::new);
    System.out.printf("recovered %d nodes in %.2f s (snapshot + events since, embedded H2)%n", state.nodes().size(), (System.nanoTime() - t1) / 1e9);
    second.terminate();
  }

  private static CacheNode create(ActorSystem<?> system, ActorRef<Registry.Command> registry, List<Customer> cs, List<Resource> rs, int i) {
    int owner = i % cs.size();
    String serverIp = "20." + (i / 65536) + "." + ((i / 256) % 256) + "." + (i % 256);
    return ask(system, registry, r -> new Registry.CreateCacheNode(
        new Registry.NodeSpec(cs.get(owner).id(), rs.get(owner).id(), "n" + i, serverIp, cidr(i), 1000, true, null), "h", "bench", r));
  }

  /** A /24 of its own for node {@code i}. */
  private static String cidr(int i) {
    return (30 + i / 65536) + "." + ((i / 256) % 256) + "." + (i % 256) + ".0/24";
  }

  private static String percentiles(long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    return String.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms", s[s.length / 2] / 1e6, s[(int) (s.length * 0.99)] / 1e6, s[s.length - 1] / 1e6);
  }

  static <T> T ask(ActorSystem<?> system, ActorRef<Registry.Command> registry, Function<ActorRef<StatusReply<T>>, Registry.Command> f) {
    CompletionStage<StatusReply<T>> reply = AskPattern.ask(registry, f::apply, Duration.ofSeconds(60), system.scheduler());
    StatusReply<T> r = reply.toCompletableFuture().join();
    if (r.isError()) {
      throw new IllegalStateException(r.getError().getMessage());
    }
    return r.getValue();
  }
}

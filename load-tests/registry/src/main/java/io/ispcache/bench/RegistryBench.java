package io.ispcache.bench;

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
import io.ispcache.registry.CacheNode;
import io.ispcache.registry.Customer;
import io.ispcache.registry.Registry;
import io.ispcache.registry.RegistryState;
import io.ispcache.registry.Resource;
import io.ispcache.routing.NodeRoute;
import io.ispcache.routing.RoutingTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Registry benchmarks: (1) steering lookups in process against 100,000 prefixes, one core;
 * (2) recovery time of the registry with 10,000 cache nodes' history on embedded H2.
 */
public final class RegistryBench {
  public static void main(String[] args) throws Exception {
    lookups();
    recovery(Integer.getInteger("nodes", 10_000));
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

  static void recovery(int nodes) throws Exception {
    Path dir = Files.createTempDirectory("registry-bench");
    Config config =
        ConfigFactory.parseString("ispcache.data-dir = \"" + dir + "\"\nakka.loglevel = WARNING\n")
            .withFallback(ConfigFactory.parseResources("ispcache-persistence.conf"))
            .withFallback(ConfigFactory.defaultReference())
            .resolve();
    RegistryDatabase.fromConfig(config).createTablesIfAbsent();
    ActorSystem<Void> first = ActorSystem.create(Behaviors.empty(), "bench", config);
    ActorRef<Registry.Command> registry = first.systemActorOf(Registry.create(s -> {}, false), "registry", akka.actor.typed.Props.empty());
    long t0 = System.nanoTime();
    Customer c = ask(first, registry, r -> new Registry.CreateCustomer("Bench ISP", "bench", r));
    Resource res = ask(first, registry, r -> new Registry.CreateResource(c.id(), "main", "bench", r));
    for (int k = 0; k < nodes; k++) {
      final int i = k;
      String cidr = (30 + i / 65536) + "." + ((i / 256) % 256) + "." + (i % 256) + ".0/24";
      CacheNode n = ask(first, registry, r -> new Registry.CreateCacheNode(
          new Registry.NodeSpec(c.id(), res.id(), "n" + Integer.toString(i), null, cidr, 1000, true, null), "h", "bench", r));
      RegistryBench.<CacheNode>ask(first, registry, r -> new Registry.UpdateCacheNode(n.id(), new Registry.NodeChanges(null, null, 2000, null), "bench", r));
    }
    System.out.printf("wrote %d nodes' history (%d events) in %.1f s%n", nodes, 2 + 2 * nodes, (System.nanoTime() - t0) / 1e9);
    first.terminate();
    first.getWhenTerminated().toCompletableFuture().join();

    ActorSystem<Void> second = ActorSystem.create(Behaviors.empty(), "bench2", config);
    long t1 = System.nanoTime();
    ActorRef<Registry.Command> again = second.systemActorOf(Registry.create(s -> {}, false), "registry", akka.actor.typed.Props.empty());
    RegistryState state = ask(second, again, Registry.GetState::new);
    System.out.printf("recovered %d nodes in %.2f s (snapshot + events since, embedded H2)%n", state.nodes().size(), (System.nanoTime() - t1) / 1e9);
    second.terminate();
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

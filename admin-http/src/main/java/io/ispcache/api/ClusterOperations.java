package io.ispcache.api;

import akka.actor.Address;
import akka.actor.AddressFromURIString;
import akka.actor.typed.ActorSystem;
import akka.cluster.Member;
import akka.cluster.sharding.ClusterSharding;
import akka.cluster.sharding.ShardRegion;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Down;
import akka.cluster.typed.Leave;
import akka.pattern.Patterns;
import io.ispcache.concurrent.Stages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import scala.concurrent.duration.FiniteDuration;

/** Operator view and control of cluster membership: members, shard counts, leave and down. */
final class ClusterOperations {
  static final String CONTENT_OBJECTS = "ContentObject";

  /** One member as operators see it; {@code shards} is -1 when this admin process cannot tell. */
  record MemberView(String address, List<String> roles, String status, boolean reachable, int shards) {}

  private final ActorSystem<?> system;

  ClusterOperations(ActorSystem<?> system) {
    this.system = system;
  }

  CompletionStage<List<MemberView>> members() {
    akka.cluster.ClusterEvent.CurrentClusterState state = Cluster.get(system).state();
    Set<Member> unreachable = new java.util.HashSet<>(state.getUnreachable());
    return shardCounts().thenApply(counts -> {
      List<MemberView> out = new ArrayList<>();
      for (Member m : state.getMembers()) {
        List<String> roles = new ArrayList<>(m.getRoles());
        roles.removeIf(r -> r.startsWith("dc-"));
        roles.sort(String::compareTo);
        out.add(new MemberView(m.address().toString(), roles, m.status().toString(), !unreachable.contains(m),
            counts.getOrDefault(m.address(), m.hasRole("cache") && !counts.isEmpty() ? 0 : -1)));
      }
      return out;
    });
  }

  /** Shards of the content objects per member, if this process runs their shard region. */
  private CompletionStage<Map<Address, Integer>> shardCounts() {
    ClusterSharding sharding = ClusterSharding.get(system.classicSystem());
    if (!sharding.getShardTypeNames().contains(CONTENT_OBJECTS)) {
      return CompletableFuture.completedFuture(Map.of());
    }
    Object ask = new ShardRegion.GetClusterShardingStats(FiniteDuration.create(3, "seconds"));
    return Stages.plain(Patterns.ask(sharding.shardRegion(CONTENT_OBJECTS), ask, Duration.ofSeconds(5)))
        .thenApply(reply -> {
          Map<Address, Integer> counts = new HashMap<>();
          ShardRegion.ClusterShardingStats stats = (ShardRegion.ClusterShardingStats) reply;
          stats.getRegions().forEach((address, region) -> counts.put(address, region.getStats().size()));
          return counts;
        })
        .exceptionally(e -> Map.of());
  }

  void leave(String address) {
    Cluster.get(system).manager().tell(Leave.create(member(address)));
  }

  void down(String address) {
    Cluster.get(system).manager().tell(new Down(member(address)));
  }

  private Address member(String raw) {
    Address address;
    try {
      address = AddressFromURIString.parse(raw);
    } catch (Exception e) { // Akka throws MalformedURLException here, unchecked from Java's view
      throw ApiException.badRequest("address", "'" + raw + "' is not a cluster member address such as akka://ispcache@10.0.0.5:2552");
    }
    for (Member m : Cluster.get(system).state().getMembers()) {
      if (m.address().equals(address)) {
        return address;
      }
    }
    throw ApiException.notFound("cluster member " + raw);
  }
}

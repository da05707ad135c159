package io.ispcache.node;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import akka.cluster.sharding.ClusterSharding;
import akka.cluster.sharding.ShardRegion;
import akka.pattern.Patterns;
import io.ispcache.concurrent.Stages;
import io.ispcache.object.ContentObject;
import io.ispcache.report.MemberHealth;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Answers the admin API's {@link MemberHealth.Ask} for this member: the health its /health reports,
 * and the content objects' shards and entities its shard region hosts (asked of the local region
 * alone, so another member's silence never spoils this answer).
 */
final class MemberHealthAnswerer {
  private MemberHealthAnswerer() {}

  /**
   * @param regionTimeout longest wait for the local shard region's figures; past it the member
   *     answers its health with the figures null
   */
  static Behavior<MemberHealth.Ask> create(NodeStatus status, boolean cacheRole, Duration regionTimeout) {
    return Behaviors.setup(context -> {
      context.getSystem().receptionist().tell(Receptionist.register(MemberHealth.KEY, context.getSelf()));
      return Behaviors.receiveMessage(ask -> {
        NodeStatus.Health health = status.health();
        regionFigures(context.getSystem(), cacheRole, regionTimeout)
            .thenAccept(figures -> ask.replyTo().tell(new MemberHealth.Answer(
                health.healthy(), health.problems(), figures.map(f -> f[0]).orElse(null), figures.map(f -> f[1]).orElse(null))));
        return Behaviors.same();
      });
    });
  }

  /** {shards, entities} of the local region; {0, 0} without the cache role; empty if it did not answer. */
  private static CompletionStage<Optional<Integer[]>> regionFigures(
      akka.actor.typed.ActorSystem<?> system, boolean cacheRole, Duration timeout) {
    if (!cacheRole) {
      return CompletableFuture.completedFuture(Optional.of(new Integer[] {0, 0}));
    }
    ClusterSharding sharding = ClusterSharding.get(system.classicSystem());
    return Stages.plain(Patterns.ask(sharding.shardRegion(ContentObject.TYPE_KEY.name()), ShardRegion.getRegionStatsInstance(), timeout))
        .thenApply(reply -> {
          ShardRegion.ShardRegionStats stats = (ShardRegion.ShardRegionStats) reply;
          int entities = 0;
          for (Object n : stats.getStats().values()) {
            entities += ((Number) n).intValue();
          }
          return Optional.of(new Integer[] {stats.getStats().size(), entities});
        })
        .exceptionally(e -> Optional.empty());
  }
}

package io.ispcache.object;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.ClusterEvent;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Subscribe;
import java.time.Duration;

/**
 * How long this node waits for an object's entity, and which entities it does not wait for.
 *
 * <p>An entity answers in milliseconds while its node is up. When a node crashes, the entities of
 * its shards answer nothing until the node is downed, removed, and its shards have moved (about 15
 * s with the cluster's timings, see ispcache-akka.conf): every ask to them waits out its timeout.
 * So while a member is unreachable, and for a while after a member is removed (its shards are
 * moving), an ask waits {@code afterLoss} (short) instead of {@code normal}; an ask of a shard
 * that answered lately waits {@code warm} (short: its node was alive, so silence means it is lost
 * before the cluster has noticed, which takes seconds); and a shard whose
 * entity did not answer is not asked again for a while ({@link SilentEntities}), its chunks then
 * filled without it. A reader thus waits at most the short timeout once per shard of the lost node
 * it touches, instead of the full timeout per chunk.
 */
public final class EntityAsks {
  /** After a member is removed, the time its shards take to move: asks keep the short timeout meanwhile. */
  static final Duration SETTLE = Duration.ofSeconds(15);
  /** How long a shard whose entity did not answer is not asked again. */
  static final Duration SILENCE = Duration.ofSeconds(5);

  /** A shard that answered within this long counts as running on a live node. */
  static final Duration WARM = Duration.ofSeconds(60);

  private final Duration normal;
  private final Duration warm;
  private final Duration afterLoss;
  private final SilentEntities silent;
  private volatile boolean unreachable;
  /** System.nanoTime() until which the cluster counts as settling after a loss. */
  private volatile long settlingUntil = System.nanoTime();

  EntityAsks(Duration normal, Duration warm, Duration afterLoss, int shards) {
    this.normal = normal;
    this.warm = warm;
    this.afterLoss = afterLoss;
    this.silent = new SilentEntities(SILENCE, shards);
  }

  /** Asks of this node's system, following its cluster's reachability and removals. */
  public static EntityAsks watching(ActorSystem<?> system, Duration normal, Duration warm, Duration afterLoss) {
    EntityAsks asks = new EntityAsks(normal, warm, afterLoss, system.settings().config().getInt("akka.cluster.sharding.number-of-shards"));
    system.systemActorOf(asks.watcher(), "member-loss-watcher", Props.empty());
    return asks;
  }

  /**
   * The wait for the answer of {@code key}'s entity at {@code nowNanos}: short while the cluster
   * is unsettled; short too when its shard answered lately (its node was alive, so silence now
   * means that node is lost, and the cluster needs seconds to notice); the full wait otherwise,
   * for an entity that may be starting (shard allocation, its survey of the holders).
   */
  Duration timeout(String key, long nowNanos) {
    if (unsettled(nowNanos)) {
      return afterLoss;
    }
    return silent.answeredWithin(key, WARM, nowNanos) ? warm : normal;
  }

  /**
   * The wait for an entity that may itself wait up to {@code extra} before it answers (for another
   * node's origin request): the short timeout alone while the cluster is unsettled (asking the
   * origin too costs less than waiting on a lost shard).
   */
  Duration timeout(String key, long nowNanos, Duration extra) {
    return unsettled(nowNanos) ? afterLoss : timeout(key, nowNanos).plus(extra);
  }

  /** Whether a member is unreachable, or one was lost moments ago and its shards may be moving. */
  boolean unsettled(long nowNanos) {
    return unreachable || nowNanos - settlingUntil < 0;
  }

  SilentEntities silent() {
    return silent;
  }

  /** Marks the cluster unsettled from {@code nowNanos} for {@link #SETTLE}, as a member loss does. */
  void memberLost(long nowNanos) {
    settlingUntil = nowNanos + SETTLE.toNanos();
  }

  private Behavior<ClusterEvent.ClusterDomainEvent> watcher() {
    return Behaviors.setup(
        context -> {
          Cluster cluster = Cluster.get(context.getSystem());
          cluster.subscriptions().tell(Subscribe.create(context.getSelf(), ClusterEvent.ClusterDomainEvent.class));
          return Behaviors.receiveMessage(
              event -> {
                if (event instanceof ClusterEvent.UnreachableMember || event instanceof ClusterEvent.MemberRemoved
                    || event instanceof ClusterEvent.MemberDowned) {
                  memberLost(System.nanoTime());
                }
                unreachable = !cluster.state().getUnreachable().isEmpty();
                return Behaviors.same();
              });
        });
  }
}

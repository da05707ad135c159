package io.ispcache.agent;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.receptionist.Receptionist;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import io.ispcache.metrics.NodeMetrics;
import io.ispcache.object.ContentObject;
import io.ispcache.purge.PurgeFeed;
import io.ispcache.registry.Purge;
import io.ispcache.registry.Registry;
import io.ispcache.store.ChunkStore;
import io.ispcache.store.ObjectMeta;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the registry's purges to this node's store, in their order, each once: on start, every
 * poll interval and when a new one is announced it asks an admin process's {@link PurgeFeed} for
 * the purges after the last it applied, drops what they name (on the blocking-I/O executor), tells
 * the objects' entities it no longer holds them, and saves the number it got to. A node that was
 * down or cut off catches up the same way; a purge that arrives late spares objects stored after it.
 */
public final class PurgeFollower extends AbstractBehavior<PurgeFollower.Command> {
  private static final Logger log = LoggerFactory.getLogger(PurgeFollower.class);

  /**
   * The follower's own messages; nothing outside this node sends it any, so they are never
   * serialized (and {@link Listed} carries a Throwable).
   */
  public sealed interface Command extends NoSerializationVerificationNeeded {}

  private record Poll() implements Command {}

  private record Noticed(long seq) implements Command {}

  private record Found(Set<ActorRef<PurgeFeed.Command>> feeds) implements Command {}

  private record Listed(Registry.PurgeList list, Throwable error) implements Command {}

  private record Applied(long seq, boolean more, Throwable error) implements Command {}

  /** Purges asked for at once: a batch is applied before the next is asked for. */
  static final int BATCH = 100;

  /**
   * Entities told per purge that this node dropped their object. Beyond it (a prefix over many
   * objects) an entity learns it from the node's transfer port, which refuses chunks it no longer
   * has: the asking node tells the entity and goes to another peer or the origin.
   */
  static final int ENTITIES_TOLD = 1000;

  /**
   * @param storedAnswers what else the node keeps by key (its stored redirects and 404s), told of
   *     each purge's key or prefix
   */
  public static Behavior<Command> create(
      ChunkStore store,
      java.util.function.Consumer<String> storedAnswers,
      PurgeSettings settings,
      NodeMetrics metrics,
      String selfNode,
      Executor blockingIo) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(new Poll(), settings.pollInterval());
                  PurgeFeed.subscribe(
                      context, context.messageAdapter(PurgeFeed.Notice.class, n -> new Noticed(n.seq())));
                  context.getSelf().tell(new Poll());
                  return new PurgeFollower(context, store, storedAnswers, settings, metrics, selfNode, blockingIo);
                }));
  }

  private final ChunkStore store;
  private final java.util.function.Consumer<String> storedAnswers;
  private final PurgeSettings settings;
  private final NodeMetrics metrics;
  private final String selfNode;
  private final Executor blockingIo;
  private final AppliedPurges saved;
  private final ClusterSharding sharding;
  private long applied;
  /** An ask or a batch is under way; a poll or notice meanwhile asks again after it. */
  private boolean busy;
  private boolean again;

  private PurgeFollower(
      ActorContext<Command> context,
      ChunkStore store,
      java.util.function.Consumer<String> storedAnswers,
      PurgeSettings settings,
      NodeMetrics metrics,
      String selfNode,
      Executor blockingIo) {
    super(context);
    this.store = store;
    this.storedAnswers = storedAnswers;
    this.settings = settings;
    this.metrics = metrics;
    this.selfNode = selfNode;
    this.blockingIo = blockingIo;
    this.saved = new AppliedPurges(settings.appliedFile());
    this.sharding = ClusterSharding.get(context.getSystem());
    this.applied = saved.load();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Poll.class, p -> ask())
        .onMessage(Noticed.class, n -> n.seq() > applied ? ask() : this)
        .onMessage(Found.class, this::onFound)
        .onMessage(Listed.class, this::onListed)
        .onMessage(Applied.class, this::onApplied)
        .build();
  }

  private Behavior<Command> ask() {
    if (busy) {
      again = true;
      return this;
    }
    busy = true;
    getContext()
        .ask(
            Receptionist.Listing.class,
            getContext().getSystem().receptionist(),
            settings.askTimeout(),
            ref -> Receptionist.find(PurgeFeed.KEY, ref),
            (listing, error) -> new Found(error == null ? listing.getServiceInstances(PurgeFeed.KEY) : Set.of()));
    return this;
  }

  private Behavior<Command> onFound(Found found) {
    if (found.feeds().isEmpty()) {
      return idle(false); // no admin process is up: the next poll asks again
    }
    long after = applied;
    getContext()
        .askWithStatus(
            Registry.PurgeList.class,
            found.feeds().iterator().next(),
            settings.askTimeout(),
            ref -> new PurgeFeed.PurgesAfter(after, BATCH, ref),
            Listed::new);
    return this;
  }

  private Behavior<Command> onListed(Listed listed) {
    if (listed.error() != null) {
      getContext().getLog().info("cannot learn new purges now ({}); asking again in {}", listed.error().getMessage(), settings.pollInterval());
      return idle(false);
    }
    Registry.PurgeList list = listed.list();
    if (list.last() < applied) {
      // The registry was started afresh: its numbers begin again, and so does this node.
      getContext().getLog().warn("the registry's last purge is #{} but this node applied up to #{}; following its numbers from the start", list.last(), applied);
      applied = 0;
      saved.save(0);
      return idle(true);
    }
    if (list.purges().isEmpty()) {
      return idle(false);
    }
    List<Purge> batch = list.purges();
    long last = batch.get(batch.size() - 1).seq();
    getContext()
        .pipeToSelf(
            CompletableFuture.runAsync(() -> batch.forEach(this::apply), blockingIo),
            (done, error) -> new Applied(last, last < list.last(), error));
    return this;
  }

  private Behavior<Command> onApplied(Applied a) {
    if (a.error() != null) {
      getContext().getLog().warn("applying purges failed; trying again at the next poll", a.error());
      applied = saved.load();
      return idle(false);
    }
    applied = a.seq();
    return idle(a.more());
  }

  private Behavior<Command> idle(boolean askNow) {
    busy = false;
    if (askNow || again) {
      again = false;
      return ask();
    }
    return this;
  }

  /** Runs on the blocking-I/O executor: one purge, then its number saved. */
  private void apply(Purge p) {
    ChunkStore.Purged purged = store.purge(p.key(), p.prefix(), p.at().toEpochMilli());
    storedAnswers.accept(p.key()); // a URL's key is a prefix of itself (and of its variants)
    metrics.purgeApplied(purged.objects().size(), purged.bytes());
    log.info(
        "purge #{} applied ({} {} by {} at {}): {} objects and {} bytes dropped",
        p.seq(), p.prefix() ? "prefix" : "url", p.target(), p.actor(), p.at(), purged.objects().size(), purged.bytes());
    for (ObjectMeta m : purged.objects().subList(0, Math.min(ENTITIES_TOLD, purged.objects().size()))) {
      sharding.entityRefFor(ContentObject.TYPE_KEY, m.key()).tell(new ContentObject.Forgotten(m.version(), selfNode));
    }
    saved.save(p.seq());
  }
}

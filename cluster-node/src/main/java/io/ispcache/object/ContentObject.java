package io.ispcache.object;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.StashBuffer;
import akka.actor.typed.receptionist.Receptionist;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.cluster.ClusterEvent;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import io.ispcache.peer.PeerNode;
import io.ispcache.serialization.CborSerializable;
import io.ispcache.store.ObjectMeta;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The cluster's authority for one cached object (entity id = cache key): it decides which node
 * fetches each chunk from the origin, so however many clients and nodes ask at once a chunk is
 * fetched upstream once, and it keeps the directory of which nodes hold which chunks.
 *
 * <p>The directory lives in memory. When the entity starts (first use, after passivation, or on
 * another node after its shard moved) it first asks every cache node's {@link ChunkIndex} what it
 * holds and fills, stashing requests meanwhile (at most {@link #SURVEY_TIMEOUT}), so a restarted
 * entity still sends nodes to their peers rather than to the origin.
 */
public final class ContentObject extends AbstractBehavior<ContentObject.Command> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "ContentObject");

  /** Messages to the entity. */
  public sealed interface Command extends CborSerializable {}

  /** A node lacks {@code chunk} and wants to know where to get it. */
  public record Acquire(long chunk, String node, ActorRef<Grant> replyTo) implements Command {}

  /** {@code node} committed {@code chunk} of {@code version} and now holds it. */
  public record Filled(long chunk, String version, String node) implements Command {}

  /** {@code node} gave up its fill of {@code chunk} (origin failure, store full, object changed). */
  public record Released(long chunk, String node) implements Command {}

  /** {@code peer} could not deliver {@code chunk} to the asker: forget it as holder or filler. */
  public record PeerFailed(long chunk, String peer) implements Command {}

  /** {@code node} no longer holds {@code chunk} (evicted, or its drive was lost). */
  public record Dropped(long chunk, String version, String node) implements Command {}

  /**
   * {@code node} holds {@code version}, last validated at {@code validatedAt}, and finds it stale:
   * who asks the origin? Answered once the cluster's one conditional request for the object is
   * done, or at once with a validation newer than the asker's made at {@code notBefore} or later
   * (the oldest validation the asker's request may still use).
   */
  public record Revalidate(String version, long validatedAt, long notBefore, String node, ActorRef<Revalidation> replyTo)
      implements Command {}

  /**
   * The revalidation {@code node} was granted has ended: {@code meta} is the object as the origin
   * now has it (the same revision, confirmed, or a new one), or null when the origin failed.
   */
  public record RevalidationDone(String node, ObjectMeta meta) implements Command {}

  /** The answer to {@link Revalidate}. */
  public sealed interface Revalidation extends CborSerializable {}

  /** Nobody is asking the origin: the asker sends the conditional request, then reports back. */
  public record YouRevalidate() implements Revalidation {}

  /** The object as validated by another node, or null when that validation failed. */
  public record Validated(ObjectMeta meta) implements Revalidation {}

  /** {@code node} dropped all it had of revision {@code version} (an operator's purge). */
  public record Forgotten(String version, String node) implements Command {}

  /**
   * {@code node} forwarded a request that changed the object at its origin (a successful unsafe
   * method, RFC 9111 §4.4): no copy or fill of what is known now is handed out any more, so the
   * next asker fetches from the origin rather than from a peer's outdated copy.
   */
  public record Invalidated(String node) implements Command {}

  /** Sent by sharding when the entity is passivated. */
  public record Stop() implements Command {}

  /** The cache nodes' chunk indexes, found at start (local message). */
  private record Listed(java.util.Set<ActorRef<ChunkIndex.Query>> indexes) implements Command {}

  /** One node's answer to the start-up survey; null if it did not answer (local message). */
  private record Surveyed(ChunkIndex.Holdings holdings) implements Command {}

  /** The survey's time is up (local message). */
  private record SurveyOver() implements Command {}

  /** Longest a starting entity waits for the nodes' chunk indexes before it answers anyone. */
  static final Duration SURVEY_TIMEOUT = Duration.ofMillis(500);

  /** Where a node should get a chunk from. */
  public sealed interface Grant extends CborSerializable {}

  /** Nobody has it or fills it: the asking node fetches it from the origin. */
  public record FromOrigin() implements Grant {}

  /** {@code node} holds the chunk or is filling it: pull it from that peer. */
  public record FromPeer(String node) implements Grant {}

  /** Registers the entity type with sharding; call once per node with the {@code cache} role. */
  public static void init(ActorSystem<?> system, Duration leaseTimeout) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    TYPE_KEY,
                    ctx -> create(ctx.getEntityId(), leaseTimeout))
                .withStopMessage(new Stop())
                .withRole("cache"));
  }

  static Behavior<Command> create(String key, Duration leaseTimeout) {
    return Behaviors.withStash(
        10_000, stash -> Behaviors.setup(c -> new ContentObject(c, key, leaseTimeout).surveying(stash)));
  }

  private record Lease(String node, long expiresAtNanos) {}

  private final String key;
  private final long leaseNanos;
  private final Map<Long, Lease> fills = new HashMap<>();
  private final Map<Long, Set<String>> holders = new HashMap<>();
  private String version;
  /** The node asking the origin to validate the object now, if any, and who waits for its answer. */
  private Lease revalidator;
  private final java.util.List<ActorRef<Revalidation>> awaitingValidation = new java.util.ArrayList<>();
  /** The newest validation's outcome. */
  private ObjectMeta validated;

  private ContentObject(ActorContext<Command> context, String key, Duration leaseTimeout) {
    super(context);
    this.key = key;
    this.leaseNanos = leaseTimeout.toNanos();
  }

  /** Learns what the cluster has of this object, then serves the requests that came meanwhile. */
  private Behavior<Command> surveying(StashBuffer<Command> stash) {
    ActorContext<Command> context = getContext();
    context.ask(
        Receptionist.Listing.class,
        context.getSystem().receptionist(),
        SURVEY_TIMEOUT,
        ref -> Receptionist.find(ChunkIndex.KEY, ref),
        (listing, error) -> new Listed(error == null ? listing.getServiceInstances(ChunkIndex.KEY) : java.util.Set.of()));
    context.scheduleOnce(SURVEY_TIMEOUT, context.getSelf(), new SurveyOver());
    int[] pending = {0};
    java.util.List<ChunkIndex.Holdings> answers = new java.util.ArrayList<>();
    return Behaviors.receive(Command.class)
        .onMessage(
            Listed.class,
            listed -> {
              if (listed.indexes().isEmpty()) {
                return surveyed(stash, answers);
              }
              pending[0] = listed.indexes().size();
              for (ActorRef<ChunkIndex.Query> index : listed.indexes()) {
                context.ask(
                    ChunkIndex.Holdings.class,
                    index,
                    SURVEY_TIMEOUT,
                    ref -> new ChunkIndex.Query(key, ref),
                    (holdings, error) -> new Surveyed(error == null ? holdings : null));
              }
              return Behaviors.same();
            })
        .onMessage(
            Surveyed.class,
            surveyed -> {
              if (surveyed.holdings() != null) {
                answers.add(surveyed.holdings());
              }
              return --pending[0] == 0 ? surveyed(stash, answers) : Behaviors.same();
            })
        .onMessage(SurveyOver.class, over -> surveyed(stash, answers))
        .onMessage(
            Stop.class,
            stop -> {
              // Passivated or handed off meanwhile: answer what waits with what is known, then stop.
              stash.unstashAll(surveyed(answers));
              return Behaviors.stopped();
            })
        .onAnyMessage(
            m -> {
              if (stash.isFull()) {
                stash.unstashAll(surveyed(answers));
                return receive(getContext(), m);
              }
              stash.stash(m);
              return Behaviors.same();
            })
        .build();
  }

  private Behavior<Command> surveyed(StashBuffer<Command> stash, java.util.List<ChunkIndex.Holdings> answers) {
    return stash.unstashAll(surveyed(answers));
  }

  /**
   * Takes the nodes' holdings into the directory when they agree on the object's revision. Nodes
   * that have nothing of it do not vote; if those that have something disagree, the directory
   * starts empty and the next fill from the origin settles the revision.
   */
  private ContentObject surveyed(java.util.List<ChunkIndex.Holdings> answers) {
    java.util.Set<String> versions = new java.util.HashSet<>();
    for (ChunkIndex.Holdings h : answers) {
      if (h.version() != null && !(h.held().isEmpty() && h.filling().isEmpty())) {
        versions.add(h.version());
      }
    }
    if (versions.size() != 1 || (version != null && !versions.contains(version))) {
      answers.clear();
      return this;
    }
    String agreed = versions.iterator().next();
    version = agreed;
    long expires = System.nanoTime() + leaseNanos;
    for (ChunkIndex.Holdings h : answers) {
      if (!agreed.equals(h.version())) {
        continue;
      }
      for (long chunk : h.held()) {
        holders.computeIfAbsent(chunk, c -> new HashSet<>()).add(h.node());
      }
      for (long chunk : h.filling()) {
        fills.putIfAbsent(chunk, new Lease(h.node(), expires));
      }
    }
    answers.clear();
    return this;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Acquire.class, this::onAcquire)
        .onMessage(Filled.class, this::onFilled)
        .onMessage(Released.class, this::onReleased)
        .onMessage(Dropped.class, this::onDropped)
        .onMessage(Forgotten.class, this::onForgotten)
        .onMessage(Invalidated.class, this::onInvalidated)
        .onMessage(PeerFailed.class, this::onPeerFailed)
        .onMessage(Revalidate.class, this::onRevalidate)
        .onMessage(RevalidationDone.class, this::onRevalidationDone)
        .onMessage(
            Stop.class,
            s -> {
              failWaiting(); // they judge for themselves rather than wait for their asks to time out
              return Behaviors.stopped();
            })
        // Answers after the survey's time are left out: they may predate what the entity learnt since.
        .onMessage(Surveyed.class, s -> this)
        .onMessage(Listed.class, l -> this)
        .onMessage(SurveyOver.class, o -> this)
        .build();
  }

  private Behavior<Command> onAcquire(Acquire a) {
    long now = System.nanoTime();
    Set<String> live = liveMembers();
    Set<String> held = holders.get(a.chunk());
    if (held != null) {
      // The asker would not ask if it still had the chunk; departed members hold nothing.
      held.remove(a.node());
      held.removeIf(n -> !live.contains(PeerNode.akkaAddressOf(n)));
      if (!held.isEmpty()) {
        // Spread over the holders, not always the first: a popular object's first holder
        // would otherwise serve every other node of the cluster.
        a.replyTo().tell(new FromPeer(HolderChoice.of(held, a.chunk(), a.node())));
        return this;
      }
    }
    Lease lease = fills.get(a.chunk());
    if (lease != null
        && !lease.node().equals(a.node())
        && lease.expiresAtNanos() - now > 0
        && live.contains(PeerNode.akkaAddressOf(lease.node()))) {
      a.replyTo().tell(new FromPeer(lease.node()));
      return this;
    }
    fills.put(a.chunk(), new Lease(a.node(), now + leaseNanos));
    a.replyTo().tell(new FromOrigin());
    return this;
  }

  private Behavior<Command> onFilled(Filled f) {
    if (version != null && !version.equals(f.version())) {
      // The origin's object changed: copies of the old revision are useless to everyone.
      getContext().getLog().info("object {} changed from version {} to {}", key, version, f.version());
      holders.clear();
    }
    version = f.version();
    fills.remove(f.chunk());
    holders.computeIfAbsent(f.chunk(), c -> new HashSet<>()).add(f.node());
    return this;
  }

  private Behavior<Command> onRevalidate(Revalidate r) {
    if (validated != null && validated.validatedAtMillis() > r.validatedAt() && validated.validatedAtMillis() >= r.notBefore()) {
      // Validated since the asker's copy was: that answer is as new as a request now would get.
      r.replyTo().tell(new Validated(validated));
      return this;
    }
    long now = System.nanoTime();
    if (revalidator != null
        && revalidator.expiresAtNanos() - now > 0
        && liveMembers().contains(PeerNode.akkaAddressOf(revalidator.node()))) {
      awaitingValidation.add(r.replyTo());
      return this;
    }
    // Nobody asks, or the one who did is gone or late: this asker does. Those waiting on a lost
    // revalidation are told it failed, and judge for themselves (serve stale, or ask again).
    failWaiting();
    revalidator = new Lease(r.node(), now + leaseNanos);
    r.replyTo().tell(new YouRevalidate());
    return this;
  }

  private Behavior<Command> onRevalidationDone(RevalidationDone d) {
    if (revalidator == null || !revalidator.node().equals(d.node())) {
      return this; // a lease given away meanwhile; its successor reports
    }
    revalidator = null;
    if (d.meta() != null) {
      if (version != null && !version.equals(d.meta().version())) {
        getContext().getLog().info("object {} changed from version {} to {} on revalidation", key, version, d.meta().version());
        holders.clear();
        fills.clear();
      }
      version = d.meta().version();
      validated = d.meta();
    }
    for (ActorRef<Revalidation> waiting : awaitingValidation) {
      waiting.tell(new Validated(d.meta()));
    }
    awaitingValidation.clear();
    return this;
  }

  private void failWaiting() {
    for (ActorRef<Revalidation> waiting : awaitingValidation) {
      waiting.tell(new Validated(null));
    }
    awaitingValidation.clear();
  }

  private Behavior<Command> onReleased(Released r) {
    Lease lease = fills.get(r.chunk());
    if (lease != null && lease.node().equals(r.node())) {
      fills.remove(r.chunk());
    }
    return this;
  }

  private Behavior<Command> onPeerFailed(PeerFailed f) {
    Set<String> held = holders.get(f.chunk());
    if (held != null) {
      held.remove(f.peer());
    }
    Lease lease = fills.get(f.chunk());
    if (lease != null && lease.node().equals(f.peer())) {
      fills.remove(f.chunk());
    }
    return this;
  }

  /** Addresses of members that can still serve: not downed and not unreachable. */
  private Set<String> liveMembers() {
    ClusterEvent.CurrentClusterState state = Cluster.get(getContext().getSystem()).state();
    Set<String> live = new HashSet<>();
    Set<Member> unreachable = new HashSet<>(state.getUnreachable());
    for (Member m : state.getMembers()) {
      if (m.status() != MemberStatus.down() && !unreachable.contains(m)) {
        live.add(m.address().toString());
      }
    }
    return live;
  }

  private Behavior<Command> onForgotten(Forgotten f) {
    if (f.version().equals(version)) {
      holders.values().forEach(held -> held.remove(f.node()));
      holders.values().removeIf(Set::isEmpty);
    }
    // A fill of the node's under way ends in a chunk the node drops: nobody waits for it.
    fills.values().removeIf(lease -> lease.node().equals(f.node()));
    if (validated != null && validated.version().equals(f.version())) {
      validated = null; // purged: no node is handed this revision's validation as news
    }
    return this;
  }

  private Behavior<Command> onInvalidated(Invalidated i) {
    getContext().getLog().debug("object {} invalidated by {}: copies of version {} forgotten", key, i.node(), version);
    holders.clear();
    fills.clear();
    version = null;
    validated = null;
    return this;
  }

  private Behavior<Command> onDropped(Dropped d) {
    if (d.version().equals(version)) {
      Set<String> held = holders.get(d.chunk());
      if (held != null) {
        held.remove(d.node());
        if (held.isEmpty()) {
          holders.remove(d.chunk());
        }
      }
    }
    return this;
  }
}

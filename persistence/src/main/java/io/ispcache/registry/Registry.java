package io.ispcache.registry;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.pattern.StatusReply;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import inet.ipaddr.IPAddress;
import io.ispcache.serialization.CborSerializable;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The event-sourced registry of customers, resources and cache nodes: the one writer that checks
 * uniqueness and overlap over all IP space (run as a cluster singleton). Every change is an event
 * with who made it and when; state is rebuilt from the journal and snapshots.
 */
public final class Registry
    extends EventSourcedBehaviorWithEnforcedReplies<Registry.Command, Registry.Event, RegistryState> {

  public static final PersistenceId PERSISTENCE_ID = PersistenceId.ofUniqueId("ispcache-registry");

  /** Commands; every one is answered with a {@link StatusReply}. */
  public sealed interface Command extends CborSerializable {}

  public record CreateCustomer(String name, String actor, ActorRef<StatusReply<Customer>> replyTo) implements Command {}

  public record AddApiKey(String customerId, String keyHash, String actor, ActorRef<StatusReply<Customer>> replyTo)
      implements Command {}

  public record ReplaceApiKey(String customerId, String oldHash, String newHash, String actor, ActorRef<StatusReply<Customer>> replyTo)
      implements Command {}

  public record CreateResource(String customerId, String name, String actor, ActorRef<StatusReply<Resource>> replyTo)
      implements Command {}

  /** Creation fields; only the name is required. */
  public record NodeSpec(
      String customerId,
      String resourceId,
      String name,
      String serverIp,
      String cidrBlocks,
      Integer maxEgressMbps,
      Boolean enabled,
      List<NodeDrive> drives)
      implements CborSerializable {}

  public record CreateCacheNode(NodeSpec spec, String nodeKeyHash, String actor, ActorRef<StatusReply<CacheNode>> replyTo)
      implements Command {}

  /** Editable fields; null leaves a field as it is, an empty string clears server IP or blocks. */
  public record NodeChanges(String serverIp, String cidrBlocks, Integer maxEgressMbps, Boolean enabled)
      implements CborSerializable {}

  public record UpdateCacheNode(String nodeId, NodeChanges changes, String actor, ActorRef<StatusReply<CacheNode>> replyTo)
      implements Command {}

  public record DeleteCacheNode(String nodeId, String actor, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public record RotateNodeKey(String nodeId, String nodeKeyHash, String actor, ActorRef<StatusReply<CacheNode>> replyTo)
      implements Command {}

  public record ReviewIpSpace(String nodeId, boolean approve, String reason, String actor, ActorRef<StatusReply<CacheNode>> replyTo)
      implements Command {}

  public record GetState(ActorRef<StatusReply<RegistryState>> replyTo) implements Command {}

  /**
   * Records an invalidation of the object with cache key {@code key} (or, with {@code prefix}, of
   * every object whose key starts with it); {@code target} is the URL as the operator gave it.
   */
  public record RecordPurge(String target, String key, boolean prefix, String actor, ActorRef<StatusReply<Purge>> replyTo)
      implements Command {}

  /** Purges after number {@code after}, oldest first, at most {@code limit} (1-1000). */
  public record ListPurges(long after, int limit, ActorRef<StatusReply<PurgeList>> replyTo) implements Command {}

  /** Some purges and the number of the last one recorded, so a reader knows whether more follow. */
  public record PurgeList(List<Purge> purges, long last) implements CborSerializable {}

  /** Past-tense facts in the journal; never rename without a Jackson migration. */
  public sealed interface Event extends CborSerializable {}

  public record CustomerCreated(Customer customer, String actor, Instant at) implements Event {}

  public record ApiKeysChanged(String customerId, List<String> keyHashes, String actor, Instant at) implements Event {}

  public record ResourceCreated(Resource resource, String actor, Instant at) implements Event {}

  public record CacheNodeCreated(CacheNode node, String actor, Instant at) implements Event {}

  /**
   * {@code cause}: for a re-evaluation the registry made ({@code actor} {@value HistoryEntry#REGISTRY}),
   * the change that freed the space; null otherwise and in events from before it existed.
   */
  public record CacheNodeUpdated(CacheNode node, String change, String actor, Instant at, String cause) implements Event {
    public CacheNodeUpdated(CacheNode node, String change, String actor, Instant at) {
      this(node, change, actor, at, null);
    }
  }

  public record CacheNodeDeleted(String nodeId, String actor, Instant at) implements Event {}

  public record PurgeRecorded(Purge purge) implements Event {}

  private final Consumer<RegistryState> published;
  private final boolean allowPrivateServerIps;
  private final IpSpaceCeiling ceiling;
  private final Clock clock;

  private Registry(Consumer<RegistryState> published, boolean allowPrivateServerIps, IpSpaceCeiling ceiling, Clock clock) {
    super(PERSISTENCE_ID);
    this.published = published;
    this.allowPrivateServerIps = allowPrivateServerIps;
    this.ceiling = ceiling;
    this.clock = clock;
  }

  /** @param published receives the state after recovery and after every change (routing tables) */
  public static Behavior<Command> create(Consumer<RegistryState> published, boolean allowPrivateServerIps, IpSpaceCeiling ceiling) {
    return new Registry(published, allowPrivateServerIps, ceiling, Clock.systemUTC());
  }

  /** With the default ceiling of IP space per customer. */
  public static Behavior<Command> create(Consumer<RegistryState> published, boolean allowPrivateServerIps) {
    return create(published, allowPrivateServerIps, IpSpaceCeiling.DEFAULT);
  }

  @Override
  public RegistryState emptyState() {
    return RegistryState.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Recovery reads the last snapshot and at most 200 events, however long the history.
    return RetentionCriteria.snapshotEvery(200, 2);
  }

  @Override
  public SignalHandler<RegistryState> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), published::accept).build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, RegistryState> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, RegistryState> b = newCommandHandlerWithReplyBuilder();
    b.forAnyState()
        .onCommand(GetState.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s)))
        .onCommand(ListPurges.class, (s, c) -> guarded(c.replyTo(), () -> listPurges(s, c)))
        .onCommand(RecordPurge.class, (s, c) -> guarded(c.replyTo(), () -> recordPurge(s, c)))
        .onCommand(CreateCustomer.class, (s, c) -> guarded(c.replyTo(), () -> createCustomer(s, c)))
        .onCommand(AddApiKey.class, (s, c) -> guarded(c.replyTo(), () -> addApiKey(s, c)))
        .onCommand(ReplaceApiKey.class, (s, c) -> guarded(c.replyTo(), () -> replaceApiKey(s, c)))
        .onCommand(CreateResource.class, (s, c) -> guarded(c.replyTo(), () -> createResource(s, c)))
        .onCommand(CreateCacheNode.class, (s, c) -> guarded(c.replyTo(), () -> createNode(s, c)))
        .onCommand(UpdateCacheNode.class, (s, c) -> guarded(c.replyTo(), () -> updateNode(s, c)))
        .onCommand(DeleteCacheNode.class, (s, c) -> guarded(c.replyTo(), () -> deleteNode(s, c)))
        .onCommand(RotateNodeKey.class, (s, c) -> guarded(c.replyTo(), () -> rotateNodeKey(s, c)))
        .onCommand(ReviewIpSpace.class, (s, c) -> guarded(c.replyTo(), () -> review(s, c)));
    return b.build();
  }

  private interface Handler {
    ReplyEffect<Event, RegistryState> handle();
  }

  private <T> ReplyEffect<Event, RegistryState> guarded(ActorRef<StatusReply<T>> replyTo, Handler handler) {
    try {
      return handler.handle();
    } catch (Rejection.RejectedException e) {
      return Effect().reply(replyTo, StatusReply.error(e.rejection.encode()));
    }
  }

  private ReplyEffect<Event, RegistryState> createCustomer(RegistryState s, CreateCustomer c) {
    String name = c.name() == null ? "" : c.name().strip();
    if (name.isEmpty() || name.length() > 200) {
      throw Rejection.badRequest("name", "the customer name must be 1-200 characters");
    }
    if (s.customers().values().stream().anyMatch(x -> x.name().equalsIgnoreCase(name))) {
      throw Rejection.conflict("name", "a customer named " + name + " exists");
    }
    Instant now = clock.instant();
    Customer customer = new Customer(UUID.randomUUID().toString(), name, List.of(), now);
    return persist(List.of(new CustomerCreated(customer, c.actor(), now)), c.replyTo(), st -> st.customers().get(customer.id()));
  }

  private ReplyEffect<Event, RegistryState> addApiKey(RegistryState s, AddApiKey c) {
    Customer customer = customer(s, c.customerId());
    List<String> keys = new ArrayList<>(customer.apiKeyHashes());
    keys.add(c.keyHash());
    return persist(
        List.of(new ApiKeysChanged(customer.id(), List.copyOf(keys), c.actor(), clock.instant())),
        c.replyTo(),
        st -> st.customers().get(customer.id()));
  }

  private ReplyEffect<Event, RegistryState> replaceApiKey(RegistryState s, ReplaceApiKey c) {
    Customer customer = customer(s, c.customerId());
    if (!customer.apiKeyHashes().contains(c.oldHash())) {
      throw Rejection.badRequest(null, "the key to replace is not one of the customer's keys");
    }
    List<String> keys = new ArrayList<>(customer.apiKeyHashes());
    keys.set(keys.indexOf(c.oldHash()), c.newHash());
    return persist(
        List.of(new ApiKeysChanged(customer.id(), List.copyOf(keys), c.actor(), clock.instant())),
        c.replyTo(),
        st -> st.customers().get(customer.id()));
  }

  private ReplyEffect<Event, RegistryState> createResource(RegistryState s, CreateResource c) {
    customer(s, c.customerId());
    String name = NodeRules.checkName(c.name());
    if (s.resources().values().stream().anyMatch(r -> r.customerId().equals(c.customerId()) && r.name().equalsIgnoreCase(name))) {
      throw Rejection.conflict("name", "a resource named " + name + " exists");
    }
    Resource r = new Resource(UUID.randomUUID().toString(), c.customerId(), name);
    return persist(List.of(new ResourceCreated(r, c.actor(), clock.instant())), c.replyTo(), st -> st.resources().get(r.id()));
  }

  private ReplyEffect<Event, RegistryState> createNode(RegistryState s, CreateCacheNode c) {
    NodeSpec spec = c.spec();
    customer(s, spec.customerId());
    Resource resource = s.resources().get(spec.resourceId());
    if (resource == null || !resource.customerId().equals(spec.customerId())) {
      throw Rejection.notFound("resource " + spec.resourceId());
    }
    String name = NodeRules.checkName(spec.name());
    if (!s.indexedNodes().named(resource.id(), name).isEmpty()) {
      throw Rejection.conflict("name", "the name " + name + " is already in use in resource " + resource.name());
    }
    String serverIp = serverIp(spec.serverIp());
    List<IPAddress> blocks = NodeRules.parseBlocks(spec.cidrBlocks());
    int egress = egress(spec.maxEgressMbps());
    List<NodeDrive> drives = drives(spec.drives());
    String id = UUID.randomUUID().toString();
    NodeRules.checkServerIp(s, id, spec.customerId(), serverIp);
    NodeRules.checkOwnBlocks(s, id, spec.customerId(), blocks);
    NodeRules.checkCeiling(s, id, spec.customerId(), blocks, ceiling);
    NodeRules.Evaluation e = NodeRules.evaluate(s, id, spec.customerId(), blocks, false);
    Instant now = clock.instant();
    CacheNode node =
        new CacheNode(
            id, spec.customerId(), resource.id(), name, serverIp, CidrBlocks.canonical(blocks), egress,
            spec.enabled() == null || spec.enabled(), drives, e.status(), e.reason(), false, e.ipv4(),
            e.ipv6().toString(), c.nodeKeyHash(), now, e.conflict(), now);
    return persist(List.of(new CacheNodeCreated(node, c.actor(), now)), c.replyTo(), st -> st.nodes().get(id));
  }

  private ReplyEffect<Event, RegistryState> updateNode(RegistryState s, UpdateCacheNode c) {
    CacheNode old = node(s, c.nodeId());
    NodeChanges ch = c.changes();
    String serverIp = ch.serverIp() == null ? old.serverIp() : serverIp(ch.serverIp());
    List<IPAddress> newBlocks = ch.cidrBlocks() == null ? null : NodeRules.parseBlocks(ch.cidrBlocks());
    // Only an edit of the blocks asks for space again; any other edit, or the same blocks in another
    // order or spelling, keeps status, reason and approval.
    boolean blocksTouched =
        newBlocks != null && !new java.util.HashSet<>(newBlocks).equals(new java.util.HashSet<>(CidrBlocks.parseStored(old.cidrBlocks())));
    String canonical = blocksTouched ? CidrBlocks.canonical(newBlocks) : old.cidrBlocks();
    int egress = ch.maxEgressMbps() == null ? old.maxEgressMbps() : egress(ch.maxEgressMbps());
    boolean enabled = ch.enabled() == null ? old.enabled() : ch.enabled();
    if (!java.util.Objects.equals(serverIp, old.serverIp())) {
      NodeRules.checkServerIp(s, old.id(), old.customerId(), serverIp);
    }
    Instant now = clock.instant();
    CacheNode node;
    if (blocksTouched) {
      NodeRules.checkOwnBlocks(s, old.id(), old.customerId(), newBlocks);
      NodeRules.checkCeiling(s, old.id(), old.customerId(), newBlocks, ceiling);
      // The node's own space is not in its way: it is evaluated against the others' only.
      NodeRules.Evaluation e = NodeRules.evaluate(s.withoutNode(old.id()), old.id(), old.customerId(), newBlocks, false);
      node =
          new CacheNode(
              old.id(), old.customerId(), old.resourceId(), old.name(), serverIp, canonical, egress, enabled, old.drives(),
              e.status(), e.reason(), false, e.ipv4(), e.ipv6().toString(), old.nodeKeyHash(), old.createdAt(), e.conflict(), now);
    } else {
      node =
          new CacheNode(
              old.id(), old.customerId(), old.resourceId(), old.name(), serverIp, old.cidrBlocks(), egress, enabled, old.drives(),
              old.status(), old.statusReason(), old.approved(), old.ipv4Addresses(), old.ipv6Networks(), old.nodeKeyHash(),
              old.createdAt(), old.conflict(), old.requestedAt());
    }
    List<Event> events = new ArrayList<>();
    events.add(new CacheNodeUpdated(node, describe(old, node), c.actor(), now));
    if (blocksTouched && old.holdsSpace()) {
      RegistryState next = s.withNode(node, new HistoryEntry(now, c.actor(), "updated", null));
      events.addAll(reevaluated(next, "cache node " + old.name() + " (" + old.id() + ") of customer " + old.customerId()
          + " changed its CIDR blocks (" + c.actor() + ")", now));
    }
    return persist(events, c.replyTo(), st -> st.nodes().get(old.id()));
  }

  private ReplyEffect<Event, RegistryState> deleteNode(RegistryState s, DeleteCacheNode c) {
    CacheNode old = node(s, c.nodeId());
    Instant now = clock.instant();
    List<Event> events = new ArrayList<>();
    events.add(new CacheNodeDeleted(old.id(), c.actor(), now));
    if (old.holdsSpace()) {
      events.addAll(reevaluated(s.withoutNode(old.id(), now, c.actor()), "cache node " + old.name() + " (" + old.id() + ") of customer "
          + old.customerId() + " was deleted (" + c.actor() + ")", now));
    }
    return Effect().persist(events).thenRun(published::accept).thenReply(c.replyTo(), st -> StatusReply.success(Done.getInstance()));
  }

  private ReplyEffect<Event, RegistryState> rotateNodeKey(RegistryState s, RotateNodeKey c) {
    CacheNode old = node(s, c.nodeId());
    CacheNode node = old.withNodeKeyHash(c.nodeKeyHash());
    return persist(List.of(new CacheNodeUpdated(node, "node key rotated", c.actor(), clock.instant())), c.replyTo(), st -> st.nodes().get(old.id()));
  }

  private ReplyEffect<Event, RegistryState> review(RegistryState s, ReviewIpSpace c) {
    CacheNode old = node(s, c.nodeId());
    if (old.status() == IpSpaceStatus.VALID && c.approve()) {
      throw Rejection.conflict("status", "the IP space is already VALID");
    }
    if (!c.approve() && (c.reason() == null || c.reason().isBlank())) {
      throw Rejection.badRequest("reason", "a rejection needs a reason");
    }
    IpSpaceStatus status = c.approve() ? IpSpaceStatus.VALID : IpSpaceStatus.ATTENTION_REQUIRED;
    String reason = c.approve() ? null : REJECTED + c.reason().strip();
    // Approval is the operator's decision over everything, overlaps included; it demotes no holder.
    CacheNode node = old.withIpSpace(status, reason, c.approve() ? null : old.conflict(), c.approve());
    String change = c.approve() ? "IP space approved" : "IP space rejected: " + c.reason().strip();
    Instant now = clock.instant();
    List<Event> events = new ArrayList<>();
    events.add(new CacheNodeUpdated(node, change, c.actor(), now));
    if (old.holdsSpace() && !c.approve()) {
      RegistryState next = s.withNode(node, new HistoryEntry(now, c.actor(), change, null));
      events.addAll(reevaluated(next, "the IP space of cache node " + old.name() + " (" + old.id() + ") of customer "
          + old.customerId() + " was rejected (" + c.actor() + ")", now));
    }
    return persist(events, c.replyTo(), st -> st.nodes().get(old.id()));
  }

  /** Longest key or prefix a purge may name: a request path is at most 4096 characters. */
  private static final int MAX_PURGE_KEY = 8192;

  private ReplyEffect<Event, RegistryState> recordPurge(RegistryState s, RecordPurge c) {
    String field = c.prefix() ? "prefix" : "url";
    if (c.key() == null || c.key().isEmpty() || c.key().length() > MAX_PURGE_KEY) {
      throw Rejection.badRequest(field, "a purge names a cache key of 1-" + MAX_PURGE_KEY + " characters");
    }
    if (c.target() == null || c.target().isBlank() || c.target().length() > MAX_PURGE_KEY) {
      throw Rejection.badRequest(field, "a purge names the URL it was asked for");
    }
    Purge purge = new Purge(s.lastPurge() + 1, c.target(), c.key(), c.prefix(), c.actor(), clock.instant());
    return Effect().persist(new PurgeRecorded(purge)).thenReply(c.replyTo(), st -> StatusReply.success(purge));
  }

  private ReplyEffect<Event, RegistryState> listPurges(RegistryState s, ListPurges c) {
    if (c.after() < 0 || c.limit() < 1 || c.limit() > 1000) {
      throw Rejection.badRequest("limit", "purges are listed after a number >= 0, 1-1000 at a time");
    }
    return Effect().reply(c.replyTo(), StatusReply.success(new PurgeList(s.purgesAfter(c.after(), c.limit()), s.lastPurge())));
  }

  private static final String REJECTED = "rejected by an operator: ";

  private static boolean isRejection(CacheNode n) {
    return n.statusReason() != null && n.statusReason().startsWith(REJECTED);
  }

  /**
   * After held space was freed: nodes waiting only on an overlap are evaluated again, oldest
   * request first, each against the space held after the ones before it. The registry is the
   * actor; {@code cause} (for operators) says what freed the space.
   */
  private static List<Event> reevaluated(RegistryState next, String cause, Instant now) {
    List<Event> events = new ArrayList<>();
    RegistryState current = next;
    List<CacheNode> waiting = new ArrayList<>();
    for (CacheNode n : next.nodes().values()) {
      if (n.status() == IpSpaceStatus.ATTENTION_REQUIRED && !isRejection(n)) {
        waiting.add(n);
      }
    }
    waiting.sort(NodeRules.ASKING_ORDER);
    for (CacheNode n : waiting) {
      NodeRules.Evaluation e =
          NodeRules.evaluate(current, n.id(), n.customerId(), CidrBlocks.parseStored(n.cidrBlocks()), n.approved());
      // Still waiting, on another holder now: the operator's view of the conflict follows.
      if (e.status() != n.status() || !java.util.Objects.equals(e.conflict(), n.conflict())) {
        CacheNode updated = n.withIpSpace(e.status(), e.reason(), e.conflict(), n.approved());
        String change = "IP space evaluated again after space it waited for was freed: " + e.status();
        events.add(new CacheNodeUpdated(updated, change, HistoryEntry.REGISTRY, now, cause));
        current = current.withNode(updated, new HistoryEntry(now, HistoryEntry.REGISTRY, change, cause));
      }
    }
    return events;
  }

  private static String describe(CacheNode old, CacheNode now) {
    List<String> parts = new ArrayList<>();
    if (!java.util.Objects.equals(old.serverIp(), now.serverIp())) {
      parts.add("serverIp " + old.serverIp() + " -> " + now.serverIp());
    }
    if (!old.cidrBlocks().equals(now.cidrBlocks())) {
      parts.add("cidrBlocks [" + old.cidrBlocks() + "] -> [" + now.cidrBlocks() + "]");
    }
    if (old.maxEgressMbps() != now.maxEgressMbps()) {
      parts.add("maxEgressMbps " + old.maxEgressMbps() + " -> " + now.maxEgressMbps());
    }
    if (old.enabled() != now.enabled()) {
      parts.add(now.enabled() ? "enabled" : "disabled");
    }
    if (old.status() != now.status()) {
      parts.add("status " + old.status() + " -> " + now.status());
    }
    return parts.isEmpty() ? "no change" : String.join("; ", parts);
  }

  private <T> ReplyEffect<Event, RegistryState> persist(
      List<Event> events, ActorRef<StatusReply<T>> replyTo, java.util.function.Function<RegistryState, T> result) {
    return Effect().persist(events).thenRun(published::accept).thenReply(replyTo, st -> StatusReply.success(result.apply(st)));
  }

  private String serverIp(String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      return ServerAddress.check(raw, allowPrivateServerIps);
    } catch (IllegalArgumentException e) {
      throw Rejection.badRequest("serverIp", e.getMessage());
    }
  }

  private static int egress(Integer mbps) {
    if (mbps == null) {
      return 0;
    }
    if (mbps < 0 || mbps > 400_000) {
      throw Rejection.badRequest("maxEgressMbps", "the maximum egress must be 0 (unlimited) to 400000 Mbps");
    }
    return mbps;
  }

  private static List<NodeDrive> drives(List<NodeDrive> drives) {
    if (drives == null) {
      return List.of();
    }
    if (drives.size() > 10) {
      throw Rejection.badRequest("drives", "a cache node has 1 to 10 drives");
    }
    for (NodeDrive d : drives) {
      if (d == null || d.path() == null || !d.path().startsWith("/") || d.path().equals("/") || d.sizeGb() < 1) {
        throw Rejection.badRequest("drives", "each drive needs an absolute path other than / and a size of at least 1 GB");
      }
    }
    return List.copyOf(drives);
  }

  private static Customer customer(RegistryState s, String id) {
    Customer c = id == null ? null : s.customers().get(id);
    if (c == null) {
      throw Rejection.notFound("customer " + id);
    }
    return c;
  }

  private static CacheNode node(RegistryState s, String id) {
    CacheNode n = id == null ? null : s.nodes().get(id);
    if (n == null) {
      throw Rejection.notFound("cache node " + id);
    }
    return n;
  }

  @Override
  public EventHandler<RegistryState, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(CustomerCreated.class, (s, e) -> s.withCustomer(e.customer()))
        .onEvent(
            ApiKeysChanged.class,
            (s, e) -> {
              Customer c = s.customers().get(e.customerId());
              return s.withCustomer(new Customer(c.id(), c.name(), e.keyHashes(), c.createdAt()));
            })
        .onEvent(ResourceCreated.class, (s, e) -> s.withResource(e.resource()))
        .onEvent(CacheNodeCreated.class, (s, e) -> s.withNode(e.node(), new HistoryEntry(e.at(), e.actor(), "created", null)))
        .onEvent(CacheNodeUpdated.class, (s, e) -> s.withNode(e.node(), new HistoryEntry(e.at(), e.actor(), e.change(), e.cause())))
        .onEvent(CacheNodeDeleted.class, (s, e) -> s.withoutNode(e.nodeId(), e.at(), e.actor()))
        .onEvent(PurgeRecorded.class, (s, e) -> s.withPurge(e.purge()))
        .build();
  }
}

package io.ispcache.registry;

import inet.ipaddr.IPAddress;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The registered cache nodes by id, never mutated, with the indexes the registry's rules ask
 * about: the IP space held (blocks of nodes that hold it), each customer's blocks, server IPs and
 * node names per resource. They are derived from the nodes, never stored: a snapshot holds the
 * plain map, and recovery builds the indexes again from it. Every update shares structure with
 * the nodes it updates, so it costs O(log n) and the walks down the changed blocks.
 */
final class CacheNodes extends AbstractMap<String, CacheNode> {
  static final CacheNodes EMPTY =
      new CacheNodes(PersistentMap.empty(), BlockIndex.EMPTY, PersistentMap.empty(), PersistentMap.empty(), PersistentMap.empty());

  private final PersistentMap<CacheNode> byId;
  private final BlockIndex held;
  private final PersistentMap<BlockIndex> byCustomer;
  private final PersistentMap<List<String>> byServerIp; // server IP -> ids (one, unless an old journal says otherwise)
  private final PersistentMap<List<String>> byName; // resource id and lower-case name -> ids

  private CacheNodes(
      PersistentMap<CacheNode> byId, BlockIndex held, PersistentMap<BlockIndex> byCustomer, PersistentMap<List<String>> byServerIp,
      PersistentMap<List<String>> byName) {
    this.byId = byId;
    this.held = held;
    this.byCustomer = byCustomer;
    this.byServerIp = byServerIp;
    this.byName = byName;
  }

  /** The nodes of {@code nodes} with their indexes (the same object when it already is one). */
  static CacheNodes of(Map<String, CacheNode> nodes) {
    if (nodes instanceof CacheNodes indexed) {
      return indexed;
    }
    // Built in one pass over the nodes (recovery reads every node of a snapshot).
    BlockIndex held = BlockIndex.EMPTY;
    Map<String, BlockIndex> byCustomer = new java.util.HashMap<>();
    Map<String, List<String>> byServerIp = new java.util.HashMap<>();
    Map<String, List<String>> byName = new java.util.HashMap<>();
    for (CacheNode n : nodes.values()) {
      List<IPAddress> blocks = NodeRules.stored(n.cidrBlocks());
      if (n.holdsSpace()) {
        held = held.with(blocks, n);
      }
      byCustomer.put(n.customerId(), byCustomer.getOrDefault(n.customerId(), BlockIndex.EMPTY).with(blocks, n));
      if (n.serverIp() != null) {
        byServerIp.computeIfAbsent(n.serverIp(), k -> new ArrayList<>()).add(n.id());
      }
      byName.computeIfAbsent(nameKey(n.resourceId(), n.name()), k -> new ArrayList<>()).add(n.id());
    }
    byServerIp.replaceAll((k, ids) -> List.copyOf(ids));
    byName.replaceAll((k, ids) -> List.copyOf(ids));
    return new CacheNodes(
        PersistentMap.of(nodes), held, PersistentMap.of(byCustomer), PersistentMap.of(byServerIp), PersistentMap.of(byName));
  }

  /** These nodes with {@code n} added or replacing the node of its id. */
  CacheNodes with(CacheNode n) {
    CacheNodes base = without(n.id());
    List<IPAddress> blocks = NodeRules.stored(n.cidrBlocks());
    return new CacheNodes(
        base.byId.with(n.id(), n),
        n.holdsSpace() ? base.held.with(blocks, n) : base.held,
        base.byCustomer.with(n.customerId(), base.space(n.customerId()).with(blocks, n)),
        n.serverIp() == null ? base.byServerIp : added(base.byServerIp, n.serverIp(), n.id()),
        added(base.byName, nameKey(n.resourceId(), n.name()), n.id()));
  }

  /** These nodes without node {@code id} (the same object when there is none). */
  CacheNodes without(String id) {
    CacheNode old = byId.get(id);
    if (old == null) {
      return this;
    }
    List<IPAddress> blocks = NodeRules.stored(old.cidrBlocks());
    BlockIndex space = space(old.customerId()).without(blocks, id);
    return new CacheNodes(
        byId.without(id),
        old.holdsSpace() ? held.without(blocks, id) : held,
        space.isEmpty() ? byCustomer.without(old.customerId()) : byCustomer.with(old.customerId(), space),
        old.serverIp() == null ? byServerIp : removed(byServerIp, old.serverIp(), id),
        removed(byName, nameKey(old.resourceId(), old.name()), id));
  }

  /** Blocks of the nodes that hold IP space (VALID, approved or not). */
  BlockIndex held() {
    return held;
  }

  /** Blocks of every node of customer {@code customerId}, whatever their status. */
  BlockIndex space(String customerId) {
    return byCustomer.getOrDefault(customerId, BlockIndex.EMPTY);
  }

  /** Ids of the nodes with server IP {@code serverIp}. */
  List<String> withServerIp(String serverIp) {
    return byServerIp.getOrDefault(serverIp, List.of());
  }

  /** Ids of the nodes of resource {@code resourceId} named {@code name}, case ignored (names are ASCII). */
  List<String> named(String resourceId, String name) {
    return byName.getOrDefault(nameKey(resourceId, name), List.of());
  }

  private static String nameKey(String resourceId, String name) {
    return resourceId + "\n" + name.toLowerCase(Locale.ROOT);
  }

  private static PersistentMap<List<String>> added(PersistentMap<List<String>> map, String key, String id) {
    List<String> ids = new ArrayList<>(map.getOrDefault(key, List.of()));
    ids.add(id);
    return map.with(key, List.copyOf(ids));
  }

  private static PersistentMap<List<String>> removed(PersistentMap<List<String>> map, String key, String id) {
    List<String> ids = new ArrayList<>(map.getOrDefault(key, List.of()));
    ids.remove(id);
    return ids.isEmpty() ? map.without(key) : map.with(key, List.copyOf(ids));
  }

  @Override
  public CacheNode get(Object key) {
    return byId.get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return byId.containsKey(key);
  }

  @Override
  public int size() {
    return byId.size();
  }

  @Override
  public Set<Entry<String, CacheNode>> entrySet() {
    return byId.entrySet();
  }
}

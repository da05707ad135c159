package io.ispcache.registry;

import inet.ipaddr.IPAddress;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The registered cache nodes by id, never mutated, with the indexes of IP space the registry's
 * rules ask about: the space held (blocks of nodes that hold it) and each customer's blocks. They
 * are derived from the nodes, never stored: a snapshot holds the plain map, and recovery builds the
 * indexes again from it.
 */
final class CacheNodes extends AbstractMap<String, CacheNode> {
  static final CacheNodes EMPTY = new CacheNodes(Map.of(), BlockIndex.EMPTY, Map.of());

  private final Map<String, CacheNode> byId;
  private final BlockIndex held;
  private final Map<String, BlockIndex> byCustomer;

  private CacheNodes(Map<String, CacheNode> byId, BlockIndex held, Map<String, BlockIndex> byCustomer) {
    this.byId = byId;
    this.held = held;
    this.byCustomer = byCustomer;
  }

  /** The nodes of {@code nodes} with their indexes (the same object when it already is one). */
  static CacheNodes of(Map<String, CacheNode> nodes) {
    if (nodes instanceof CacheNodes indexed) {
      return indexed;
    }
    Map<String, CacheNode> byId = new HashMap<>(nodes);
    BlockIndex held = BlockIndex.EMPTY;
    Map<String, BlockIndex> byCustomer = new HashMap<>();
    for (CacheNode n : byId.values()) {
      List<IPAddress> blocks = NodeRules.stored(n.cidrBlocks());
      if (n.holdsSpace()) {
        held = held.with(blocks, n);
      }
      byCustomer.put(n.customerId(), byCustomer.getOrDefault(n.customerId(), BlockIndex.EMPTY).with(blocks, n));
    }
    return new CacheNodes(Collections.unmodifiableMap(byId), held, Collections.unmodifiableMap(byCustomer));
  }

  /** These nodes with {@code n} added or replacing the node of its id. */
  CacheNodes with(CacheNode n) {
    Map<String, CacheNode> byId = new HashMap<>(this.byId);
    CacheNode old = byId.put(n.id(), n);
    Map<String, BlockIndex> byCustomer = new HashMap<>(this.byCustomer);
    BlockIndex held = old == null ? this.held : unindexed(old, this.held, byCustomer);
    List<IPAddress> blocks = NodeRules.stored(n.cidrBlocks());
    if (n.holdsSpace()) {
      held = held.with(blocks, n);
    }
    byCustomer.put(n.customerId(), byCustomer.getOrDefault(n.customerId(), BlockIndex.EMPTY).with(blocks, n));
    return new CacheNodes(Collections.unmodifiableMap(byId), held, Collections.unmodifiableMap(byCustomer));
  }

  /** These nodes without node {@code id} (the same object when there is none). */
  CacheNodes without(String id) {
    if (!byId.containsKey(id)) {
      return this;
    }
    Map<String, CacheNode> byId = new HashMap<>(this.byId);
    CacheNode old = byId.remove(id);
    Map<String, BlockIndex> byCustomer = new HashMap<>(this.byCustomer);
    BlockIndex held = unindexed(old, this.held, byCustomer);
    return new CacheNodes(Collections.unmodifiableMap(byId), held, Collections.unmodifiableMap(byCustomer));
  }

  /** Takes {@code old}'s blocks out of its customer's index in {@code byCustomer}; returns {@code held} without them. */
  private static BlockIndex unindexed(CacheNode old, BlockIndex held, Map<String, BlockIndex> byCustomer) {
    List<IPAddress> blocks = NodeRules.stored(old.cidrBlocks());
    BlockIndex space = byCustomer.getOrDefault(old.customerId(), BlockIndex.EMPTY).without(blocks, old.id());
    if (space.isEmpty()) {
      byCustomer.remove(old.customerId());
    } else {
      byCustomer.put(old.customerId(), space);
    }
    return old.holdsSpace() ? held.without(blocks, old.id()) : held;
  }

  /** Blocks of the nodes that hold IP space (VALID, approved or not). */
  BlockIndex held() {
    return held;
  }

  /** Blocks of every node of customer {@code customerId}, whatever their status. */
  BlockIndex space(String customerId) {
    return byCustomer.getOrDefault(customerId, BlockIndex.EMPTY);
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

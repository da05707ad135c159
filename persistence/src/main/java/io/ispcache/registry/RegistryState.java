package io.ispcache.registry;

import io.ispcache.serialization.CborSerializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the registry knows. Never mutated: each event yields a new state sharing unchanged
 * maps and the unchanged parts of changed ones ({@link PersistentMap}), so a snapshot being written
 * can never see a later change and an event costs O(log n), not a copy of every node.
 */
public record RegistryState(
    Map<String, Customer> customers,
    Map<String, Resource> resources,
    Map<String, CacheNode> nodes,
    Map<String, List<HistoryEntry>> history,
    List<Purge> purges,
    Map<String, DeletedNode> deleted)
    implements CborSerializable {

  public RegistryState {
    // Snapshots written before purges or tombstones existed have none.
    purges = purges == null ? List.of() : purges;
    // Maps that share structure when updated; the nodes carry their indexes, built here once when a
    // snapshot is read back.
    customers = PersistentMap.of(customers);
    resources = PersistentMap.of(resources);
    nodes = CacheNodes.of(nodes);
    history = PersistentMap.of(history);
    deleted = PersistentMap.of(deleted == null ? Map.of() : deleted);
  }

  /** A state without tombstones. */
  public RegistryState(
      Map<String, Customer> customers,
      Map<String, Resource> resources,
      Map<String, CacheNode> nodes,
      Map<String, List<HistoryEntry>> history,
      List<Purge> purges) {
    this(customers, resources, nodes, history, purges, Map.of());
  }

  public static RegistryState empty() {
    return new RegistryState(Map.of(), Map.of(), Map.of(), Map.of(), List.of(), Map.of());
  }

  /** The number of the last purge recorded, 0 before the first. */
  public long lastPurge() {
    return purges.isEmpty() ? 0 : purges.get(purges.size() - 1).seq();
  }

  /** Purges after number {@code after}, oldest first, at most {@code limit}. */
  public List<Purge> purgesAfter(long after, int limit) {
    // Numbers run 1, 2, 3… without gaps, so purge n is at index n - 1.
    int from = (int) Math.min(purges.size(), Math.max(0, after));
    return List.copyOf(purges.subList(from, (int) Math.min(purges.size(), (long) from + limit)));
  }

  /** The nodes with their index of IP space. */
  CacheNodes indexedNodes() {
    return (CacheNodes) nodes;
  }

  public Optional<CacheNode> node(String id) {
    return Optional.ofNullable(nodes.get(id));
  }

  /** The tombstone of a deleted node; its history stays in {@link #history()}. */
  public Optional<DeletedNode> deletedNode(String id) {
    return Optional.ofNullable(deleted.get(id));
  }

  public Optional<Customer> customerWithKeyHash(String hash) {
    return customers.values().stream().filter(c -> c.apiKeyHashes().contains(hash)).findFirst();
  }

  RegistryState withCustomer(Customer c) {
    return new RegistryState(put(customers, c.id(), c), resources, nodes, history, purges, deleted);
  }

  RegistryState withResource(Resource r) {
    return new RegistryState(customers, put(resources, r.id(), r), nodes, history, purges, deleted);
  }

  RegistryState withNode(CacheNode n, HistoryEntry entry) {
    List<HistoryEntry> h = new ArrayList<>(history.getOrDefault(n.id(), List.of()));
    h.add(entry);
    return new RegistryState(customers, resources, indexedNodes().with(n), put(history, n.id(), List.copyOf(h)), purges, deleted);
  }

  /** The state as it would be without node {@code id} (to evaluate the node against the others). */
  RegistryState withoutNode(String id) {
    return new RegistryState(customers, resources, indexedNodes().without(id), history, purges, deleted);
  }

  /** Node {@code id} gone from the nodes (and its space free), its history kept and ended by the deletion. */
  RegistryState withoutNode(String id, Instant at, String actor) {
    CacheNode old = nodes.get(id);
    List<HistoryEntry> h = new ArrayList<>(history.getOrDefault(id, List.of()));
    h.add(new HistoryEntry(at, actor, "deleted", null));
    Map<String, DeletedNode> tombs =
        old == null ? deleted : put(deleted, id, new DeletedNode(id, old.customerId(), old.name(), at, actor));
    return new RegistryState(customers, resources, indexedNodes().without(id), put(history, id, List.copyOf(h)), purges, tombs);
  }

  RegistryState withPurge(Purge p) {
    List<Purge> all = new ArrayList<>(purges);
    all.add(p);
    return new RegistryState(customers, resources, nodes, history, List.copyOf(all), deleted);
  }

  private static <V> Map<String, V> put(Map<String, V> map, String key, V value) {
    return PersistentMap.of(map).with(key, value);
  }
}

package io.ispcache.registry;

import io.ispcache.serialization.CborSerializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the registry knows. Never mutated: each event yields a new state sharing unchanged
 * maps, so a snapshot being written can never see a later change.
 */
public record RegistryState(
    Map<String, Customer> customers,
    Map<String, Resource> resources,
    Map<String, CacheNode> nodes,
    Map<String, List<HistoryEntry>> history)
    implements CborSerializable {

  public static RegistryState empty() {
    return new RegistryState(Map.of(), Map.of(), Map.of(), Map.of());
  }

  public Optional<CacheNode> node(String id) {
    return Optional.ofNullable(nodes.get(id));
  }

  public Optional<Customer> customerWithKeyHash(String hash) {
    return customers.values().stream().filter(c -> c.apiKeyHashes().contains(hash)).findFirst();
  }

  RegistryState withCustomer(Customer c) {
    return new RegistryState(put(customers, c.id(), c), resources, nodes, history);
  }

  RegistryState withResource(Resource r) {
    return new RegistryState(customers, put(resources, r.id(), r), nodes, history);
  }

  RegistryState withNode(CacheNode n, HistoryEntry entry) {
    List<HistoryEntry> h = new ArrayList<>(history.getOrDefault(n.id(), List.of()));
    h.add(entry);
    return new RegistryState(customers, resources, put(nodes, n.id(), n), put(history, n.id(), List.copyOf(h)));
  }

  RegistryState withoutNode(String id) {
    Map<String, CacheNode> n = new HashMap<>(nodes);
    n.remove(id);
    Map<String, List<HistoryEntry>> h = new HashMap<>(history);
    h.remove(id);
    return new RegistryState(customers, resources, Map.copyOf(n), Map.copyOf(h));
  }

  private static <V> Map<String, V> put(Map<String, V> map, String key, V value) {
    Map<String, V> copy = new HashMap<>(map);
    copy.put(key, value);
    return Map.copyOf(copy);
  }
}

package io.ispcache.store;

import java.util.HashSet;
import java.util.Set;

/** The node's own {@link SegmentedLru}, driven the way a drive drives it (evict, then add). */
final class SimulatedSlru implements EvictionSimulator.Policy {
  private final SegmentedLru<Long> order;
  private final Set<Long> present = new HashSet<>();
  private final int capacity;

  SimulatedSlru(int capacity) {
    this.capacity = capacity;
    this.order = new SegmentedLru<>(capacity, 0.8);
  }

  @Override
  public boolean access(long key) {
    if (present.contains(key)) {
      order.touch(key);
      return true;
    }
    while (present.size() >= capacity) {
      present.remove(order.evict());
    }
    order.add(key, 1);
    present.add(key);
    return false;
  }
}

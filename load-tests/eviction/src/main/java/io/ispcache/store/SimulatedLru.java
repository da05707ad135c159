package io.ispcache.store;

import java.util.LinkedHashMap;
import java.util.Map;

/** Plain least-recently-used, the baseline. */
final class SimulatedLru implements EvictionSimulator.Policy {
  private final LinkedHashMap<Long, Boolean> entries;

  SimulatedLru(int capacity) {
    this.entries =
        new LinkedHashMap<>(capacity * 2, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  @Override
  public boolean access(long key) {
    if (entries.get(key) != null) {
      return true;
    }
    entries.put(key, Boolean.TRUE);
    return false;
  }
}

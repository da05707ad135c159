package io.ispcache.store;

import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Set;

/**
 * W-TinyLFU as in Caffeine: a 1% window LRU in front of an SLRU main space; a chunk leaving the
 * window enters the main space only if a count-min sketch says it is asked for more often than
 * the main space's victim. The sketch halves its counters every 10 x capacity accesses (aging).
 */
final class SimulatedTinyLfu implements EvictionSimulator.Policy {
  private final LinkedHashMap<Long, Boolean> window = new LinkedHashMap<>(16, 0.75f, true);
  private final SegmentedLru<Long> main;
  private final Set<Long> inMain = new HashSet<>();
  private final int windowCapacity;
  private final int mainCapacity;
  private final int[][] sketch;
  private final int mask;
  private final int resetAfter;
  private int samples;

  SimulatedTinyLfu(int capacity) {
    this.windowCapacity = Math.max(1, capacity / 100);
    this.mainCapacity = capacity - windowCapacity;
    this.main = new SegmentedLru<>(mainCapacity, 0.8);
    int width = Integer.highestOneBit(Math.max(16, capacity * 4) - 1) << 1;
    this.sketch = new int[4][width];
    this.mask = width - 1;
    this.resetAfter = 10 * capacity;
  }

  @Override
  public boolean access(long key) {
    record(key);
    if (window.get(key) != null) {
      return true;
    }
    if (inMain.contains(key)) {
      main.touch(key);
      return true;
    }
    window.put(key, Boolean.TRUE);
    if (window.size() > windowCapacity) {
      Iterator<Long> oldest = window.keySet().iterator();
      long candidate = oldest.next();
      oldest.remove();
      admit(candidate);
    }
    return false;
  }

  private void admit(long candidate) {
    if (inMain.size() < mainCapacity) {
      main.add(candidate, 1);
      inMain.add(candidate);
      return;
    }
    Long victim = main.evict();
    if (frequency(candidate) > frequency(victim)) {
      inMain.remove(victim);
      main.add(candidate, 1);
      inMain.add(candidate);
    } else {
      main.add(victim, 1); // the victim stays; it re-enters at the probation's young end
    }
  }

  private void record(long key) {
    for (int row = 0; row < sketch.length; row++) {
      int i = index(key, row);
      if (sketch[row][i] < 15) {
        sketch[row][i]++;
      }
    }
    if (++samples >= resetAfter) {
      samples = 0;
      for (int[] row : sketch) {
        for (int i = 0; i < row.length; i++) {
          row[i] >>>= 1;
        }
      }
    }
  }

  private int frequency(long key) {
    int min = Integer.MAX_VALUE;
    for (int row = 0; row < sketch.length; row++) {
      min = Math.min(min, sketch[row][index(key, row)]);
    }
    return min;
  }

  private int index(long key, int row) {
    long h = (key + row * 0x9E3779B97F4A7C15L) * 0xBF58476D1CE4E5B9L;
    h ^= h >>> 31;
    h *= 0x94D049BB133111EBL;
    h ^= h >>> 29;
    return (int) h & mask;
  }
}

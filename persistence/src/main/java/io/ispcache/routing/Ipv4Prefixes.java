package io.ispcache.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * IPv4 longest-prefix match without allocation: one open-addressing int map per prefix length in
 * use, probed from the longest length down. With the dozen lengths ISPs register, a lookup is a
 * dozen array probes.
 */
final class Ipv4Prefixes<V> {
  private final IntMap<V>[] byLength;
  private int[] lengths = new int[0];

  @SuppressWarnings("unchecked")
  Ipv4Prefixes() {
    byLength = (IntMap<V>[]) new IntMap<?>[33];
  }

  void put(int network, int length, V value) {
    if (byLength[length] == null) {
      byLength[length] = new IntMap<>();
      int[] next = Arrays.copyOf(lengths, lengths.length + 1);
      next[lengths.length] = length;
      Arrays.sort(next);
      lengths = next;
    }
    byLength[length].put(network & mask(length), value);
  }

  V get(int network, int length) {
    IntMap<V> m = byLength[length];
    return m == null ? null : m.get(network & mask(length));
  }

  /** The value of the longest prefix containing {@code address}, or null. */
  V longest(int address) {
    for (int i = lengths.length - 1; i >= 0; i--) {
      int len = lengths[i];
      V v = byLength[len].get(address & mask(len));
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  /** Values of every prefix containing {@code address}, longest first. */
  List<V> containing(int address) {
    List<V> out = new ArrayList<>(2);
    for (int i = lengths.length - 1; i >= 0; i--) {
      int len = lengths[i];
      V v = byLength[len].get(address & mask(len));
      if (v != null) {
        out.add(v);
      }
    }
    return out;
  }

  static int mask(int length) {
    return length == 0 ? 0 : -1 << (32 - length);
  }

  /** Open addressing, linear probing; keys are network addresses, never removed. */
  private static final class IntMap<V> {
    private int[] keys = new int[16];
    private Object[] values = new Object[16];
    private boolean[] used = new boolean[16];
    private int size;

    void put(int key, V value) {
      if ((size + 1) * 2 > keys.length) {
        grow();
      }
      int i = slot(key, keys.length);
      while (used[i] && keys[i] != key) {
        i = (i + 1) & (keys.length - 1);
      }
      if (!used[i]) {
        used[i] = true;
        keys[i] = key;
        size++;
      }
      values[i] = value;
    }

    @SuppressWarnings("unchecked")
    V get(int key) {
      int i = slot(key, keys.length);
      while (used[i]) {
        if (keys[i] == key) {
          return (V) values[i];
        }
        i = (i + 1) & (keys.length - 1);
      }
      return null;
    }

    private static int slot(int key, int capacity) {
      int h = key * 0x9E3779B9;
      return (h ^ (h >>> 16)) & (capacity - 1);
    }

    @SuppressWarnings("unchecked")
    private void grow() {
      int[] k = keys;
      Object[] v = values;
      boolean[] u = used;
      keys = new int[k.length * 2];
      values = new Object[k.length * 2];
      used = new boolean[k.length * 2];
      size = 0;
      for (int i = 0; i < k.length; i++) {
        if (u[i]) {
          put(k[i], (V) v[i]);
        }
      }
    }
  }
}

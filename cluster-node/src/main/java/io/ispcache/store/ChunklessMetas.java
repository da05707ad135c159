package io.ispcache.store;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The objects whose meta the store took while it held no chunk of them (a fill about to begin, a
 * HEAD, a revalidation), newest last, at most {@code bound}: each one noted beyond it pushes out
 * the oldest, which the store forgets unless a chunk of it came meanwhile. So the metas in memory
 * are those of objects with chunks plus at most {@code bound}, not every object ever seen.
 */
final class ChunklessMetas {
  private final int bound;
  /** Version by cache key, oldest first. */
  private final LinkedHashMap<String, String> byKey = new LinkedHashMap<>();

  ChunklessMetas(int bound) {
    if (bound < 1) {
      throw new IllegalArgumentException("bound " + bound + " is not positive");
    }
    this.bound = bound;
  }

  /** Notes (again, as the newest) the object's {@code version}; answers those pushed out, by key. */
  synchronized List<Map.Entry<String, String>> note(String key, String version) {
    byKey.remove(key);
    byKey.put(key, version);
    List<Map.Entry<String, String>> out = new ArrayList<>();
    Iterator<Map.Entry<String, String>> oldest = byKey.entrySet().iterator();
    while (byKey.size() > bound) {
      Map.Entry<String, String> e = oldest.next();
      out.add(Map.entry(e.getKey(), e.getValue()));
      oldest.remove();
    }
    return out;
  }

  synchronized int size() {
    return byKey.size();
  }
}

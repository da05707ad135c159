package io.ispcache.registry;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import scala.collection.immutable.HashMap;
import scala.collection.immutable.HashMap$;
import scala.jdk.javaapi.CollectionConverters;

/**
 * An immutable map by string key whose updates share structure with the map they update: Scala's
 * hash array mapped trie (on the classpath with Akka), seen through {@link java.util.Map}. A
 * registry state with 10,000 nodes and their histories is updated in O(log n) instead of copying
 * every entry per event.
 */
final class PersistentMap<V> extends AbstractMap<String, V> {
  private static final PersistentMap<?> EMPTY = new PersistentMap<>(HashMap$.MODULE$.empty());

  private final HashMap<String, V> map;
  private final Map<String, V> view;

  private PersistentMap(HashMap<String, V> map) {
    this.map = map;
    this.view = CollectionConverters.asJava(map);
  }

  @SuppressWarnings("unchecked")
  static <V> PersistentMap<V> empty() {
    return (PersistentMap<V>) EMPTY;
  }

  /** {@code map}'s entries (the same object when it already is one). */
  static <V> PersistentMap<V> of(Map<String, V> map) {
    if (map instanceof PersistentMap<V> p) {
      return p;
    }
    // One builder pass (a snapshot's maps are read back whole), not an update per entry.
    return new PersistentMap<>(HashMap$.MODULE$.from(CollectionConverters.asScala(map)));
  }

  PersistentMap<V> with(String key, V value) {
    return new PersistentMap<>(map.updated(key, value));
  }

  PersistentMap<V> without(String key) {
    return map.contains(key) ? new PersistentMap<>(map.removed(key)) : this;
  }

  @Override
  public V get(Object key) {
    return view.get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return key instanceof String k && map.contains(k);
  }

  @Override
  public int size() {
    return map.size();
  }

  @Override
  public Set<Entry<String, V>> entrySet() {
    return view.entrySet();
  }
}

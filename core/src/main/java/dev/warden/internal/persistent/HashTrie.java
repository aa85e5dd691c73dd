package dev.warden.internal.persistent;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;

/** NAIVE STAND-IN (copying), replaced by helper A's CHAMP. */
public final class HashTrie<K, V> implements Iterable<Map.Entry<K, V>> {
  private static final HashTrie<?, ?> EMPTY = new HashTrie<>(new HashMap<>());
  private final HashMap<K, V> map;

  private HashTrie(HashMap<K, V> map) {
    this.map = map;
  }

  @SuppressWarnings("unchecked")
  public static <K, V> HashTrie<K, V> empty() {
    return (HashTrie<K, V>) EMPTY;
  }

  public V get(Object key) {
    return map.get(key);
  }

  public boolean containsKey(Object key) {
    return map.containsKey(key);
  }

  public HashTrie<K, V> plus(K key, V value) {
    if (map.get(key) == value) {
      return this;
    }
    HashMap<K, V> m = new HashMap<>(map);
    m.put(key, value);
    return new HashTrie<>(m);
  }

  public HashTrie<K, V> minus(Object key) {
    if (!map.containsKey(key)) {
      return this;
    }
    HashMap<K, V> m = new HashMap<>(map);
    m.remove(key);
    return new HashTrie<>(m);
  }

  public int size() {
    return map.size();
  }

  public boolean isEmpty() {
    return map.isEmpty();
  }

  public void forEach(BiConsumer<? super K, ? super V> action) {
    map.forEach(action);
  }

  @Override
  public Iterator<Map.Entry<K, V>> iterator() {
    return java.util.Collections.unmodifiableMap(map).entrySet().iterator();
  }
}

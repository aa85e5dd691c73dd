package dev.warden.internal.persistent;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** NAIVE STAND-IN (copying), replaced by helper A's. */
public final class OrderedMap<K, V> extends AbstractMap<K, V> {
  private final Comparator<Map.Entry<K, V>> order;
  private final LinkedHashMap<K, V> map;

  private OrderedMap(Comparator<Map.Entry<K, V>> order, LinkedHashMap<K, V> map) {
    this.order = order;
    this.map = map;
  }

  public static <K, V> OrderedMap<K, V> byKey(Comparator<? super K> order) {
    return new OrderedMap<>((a, b) -> order.compare(a.getKey(), b.getKey()), new LinkedHashMap<>());
  }

  public static <K, V> OrderedMap<K, V> byValue(Comparator<? super V> order) {
    return new OrderedMap<>((a, b) -> order.compare(a.getValue(), b.getValue()), new LinkedHashMap<>());
  }

  public static <K, V> Builder<K, V> builderByKey(Comparator<? super K> order) {
    return new Builder<>(byKey(order));
  }

  public static <K, V> Builder<K, V> builderByValue(Comparator<? super V> order) {
    return new Builder<>(byValue(order));
  }

  @Override
  public V get(Object key) {
    return map.get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return map.containsKey(key);
  }

  @Override
  public int size() {
    return map.size();
  }

  public OrderedMap<K, V> plus(K key, V value) {
    if (map.get(key) == value) {
      return this;
    }
    LinkedHashMap<K, V> m = new LinkedHashMap<>(map);
    m.put(key, value);
    return new OrderedMap<>(order, sorted(m));
  }

  public OrderedMap<K, V> minus(Object key) {
    if (!map.containsKey(key)) {
      return this;
    }
    LinkedHashMap<K, V> m = new LinkedHashMap<>(map);
    m.remove(key);
    return new OrderedMap<>(order, m);
  }

  private LinkedHashMap<K, V> sorted(Map<K, V> m) {
    List<Map.Entry<K, V>> entries = new ArrayList<>(m.entrySet());
    entries.sort(order);
    LinkedHashMap<K, V> out = new LinkedHashMap<>();
    entries.forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  @Override
  public Set<Map.Entry<K, V>> entrySet() {
    return java.util.Collections.unmodifiableMap(map).entrySet();
  }

  public Iterator<Map.Entry<K, V>> entriesFrom(Predicate<? super Map.Entry<K, V>> before) {
    List<Map.Entry<K, V>> out = new ArrayList<>();
    for (Map.Entry<K, V> e : map.entrySet()) {
      if (!before.test(e)) {
        out.add(Map.entry(e.getKey(), e.getValue()));
      }
    }
    return out.iterator();
  }

  /** Builds an ordered map. */
  public static final class Builder<K, V> {
    private final OrderedMap<K, V> empty;
    private final LinkedHashMap<K, V> map = new LinkedHashMap<>();

    Builder(OrderedMap<K, V> empty) {
      this.empty = empty;
    }

    public Builder<K, V> put(K key, V value) {
      map.put(key, value);
      return this;
    }

    public OrderedMap<K, V> build() {
      return new OrderedMap<>(empty.order, empty.sorted(map));
    }
  }
}

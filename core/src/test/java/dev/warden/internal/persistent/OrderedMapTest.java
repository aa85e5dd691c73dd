package dev.warden.internal.persistent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.Iterators;
import dev.warden.internal.persistent.Keys.Hashing;
import dev.warden.internal.persistent.Keys.Key;
import dev.warden.internal.persistent.Keys.Op;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link OrderedMap}, ordered by key and by value, against a HashMap sorted on demand: random
 * operations, iteration order, seeks, persistence, and the builder against repeated {@code plus}.
 */
class OrderedMapTest {

  /** A value whose rank (the part the by-value order reads) is fixed per key; its version changes. */
  record Val(int rank, int version) {}

  /** Distinct per key, and in another order than the ids. */
  static int rank(int id) {
    return (int) ((id * 7919L) % 100_003);
  }

  enum Ordering {
    BY_KEY, BY_VALUE;

    OrderedMap<Key, Val> empty() {
      return this == BY_KEY ? OrderedMap.byKey(Comparator.comparingInt(Key::id))
          : OrderedMap.byValue(Comparator.comparingInt(Val::rank));
    }

    OrderedMap.Builder<Key, Val> builder() {
      return this == BY_KEY ? OrderedMap.builderByKey(Comparator.comparingInt(Key::id))
          : OrderedMap.builderByValue(Comparator.comparingInt(Val::rank));
    }

    /** Where the entry of key {@code id} sorts. */
    int place(int id) {
      return this == BY_KEY ? id : rank(id);
    }
  }

  @Property
  void randomOperations_matchSortedModel(
      @ForAll("ops") List<Op> ops, @ForAll Hashing hashing, @ForAll Ordering ordering) {
    new Run(hashing, ordering).apply(ops, 10);
  }

  @Provide
  Arbitrary<List<Op>> ops() {
    return Keys.ops(100, 400);
  }

  @Property(tries = 12)
  void thousandsOfKeys_matchSortedModel(@ForAll long seed, @ForAll Hashing hashing, @ForAll Ordering ordering) {
    new Run(hashing, ordering).apply(Keys.longRun(seed, hashing.scale(), 15_000), 1_000);
  }

  /** Ascending or descending inserts (full nodes, one-sided splits), then every key deleted at random. */
  @Property(tries = 8)
  void monotoneInserts_thenRandomDeletes(
      @ForAll long seed, @ForAll boolean ascending, @ForAll @IntRange(min = 1, max = 5_000) int n) {
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ops.add(new Op(Op.Kind.PLUS, ascending ? i : n - 1 - i, 0));
    }
    List<Op> deletes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      deletes.add(new Op(Op.Kind.MINUS, i, 0));
      deletes.add(new Op(Op.Kind.SEEK, i, 0));
    }
    Collections.shuffle(deletes, new Random(seed));
    ops.addAll(deletes);
    new Run(Hashing.SPREAD, Ordering.BY_KEY).apply(ops, 500);
  }

  /** One random run against the model. */
  private static final class Run {
    final Hashing hashing;
    final Ordering ordering;
    /** Values by (id, version), so that a repeated put passes the very same instance. */
    final Map<List<Integer>, Val> values = new HashMap<>();
    final Map<Key, Val> model = new HashMap<>();
    /** The model's keys by {@link Ordering#place}. */
    final TreeMap<Integer, Key> places = new TreeMap<>();
    OrderedMap<Key, Val> map;

    Run(Hashing hashing, Ordering ordering) {
      this.hashing = hashing;
      this.ordering = ordering;
      this.map = ordering.empty();
    }

    Val value(int id, int version) {
      return values.computeIfAbsent(List.of(id, version), k -> new Val(rank(id), version));
    }

    void apply(List<Op> ops, int checkEvery) {
      List<OrderedMap<Key, Val>> versions = new ArrayList<>();
      List<Map<Key, Val>> snapshots = new ArrayList<>();
      for (int i = 0; i < ops.size(); i++) {
        Op op = ops.get(i);
        Key key = new Key(op.id(), hashing);
        OrderedMap<Key, Val> next = map;
        switch (op.kind()) {
          case PLUS -> {
            Val value = value(op.id(), op.value());
            next = map.plus(key, value);
            assertThat(next == map).isEqualTo(model.get(key) == value);
            model.put(key, value);
            places.put(ordering.place(op.id()), key);
          }
          case MINUS -> {
            next = map.minus(key);
            assertThat(next == map).isEqualTo(!model.containsKey(key));
            model.remove(key);
            places.remove(ordering.place(op.id()));
          }
          case GET -> {
            assertThat(map.get(key)).isEqualTo(model.get(key));
            assertThat(map.containsKey(key)).isEqualTo(model.containsKey(key));
          }
          case SEEK -> {
            int cursor = ordering.place(op.id());
            List<Val> expected = places.tailMap(cursor, false).values().stream()
                .limit(40).map(model::get).toList();
            Iterator<Val> it = map.valuesFrom(e -> ordering.place(e.getKey().id()) <= cursor);
            assertThat(ImmutableList.copyOf(Iterators.limit(it, 40))).isEqualTo(expected);
          }
        }
        map = next;
        assertThat(map.size()).isEqualTo(model.size());
        if (i % checkEvery == 0) {
          verify(map, model);
          versions.add(map);
          snapshots.add(new HashMap<>(model));
        }
      }
      verify(map, model);
      for (int i = 0; i < versions.size(); i++) {
        verify(versions.get(i), snapshots.get(i));
      }
      OrderedMap<Key, Val> built = build(ops);
      verify(built, model);
      assertThat(built).isEqualTo(map);
      assertThat(ImmutableList.copyOf(built.entrySet())).isEqualTo(ImmutableList.copyOf(map.entrySet()));
      deleteSome(built);
    }

    /** The model built with the builder, after earlier puts of other values that later ones replace. */
    OrderedMap<Key, Val> build(List<Op> ops) {
      OrderedMap.Builder<Key, Val> builder = ordering.builder();
      for (Op op : ops) {
        Key key = new Key(op.id(), hashing);
        if (model.containsKey(key)) {
          builder.put(key, value(op.id(), op.value() + 10));
        }
      }
      model.forEach(builder::put);
      return builder.build();
    }

    /** A built map updates like any other: deletes every third key, then checks. */
    void deleteSome(OrderedMap<Key, Val> built) {
      Map<Key, Val> rest = new HashMap<>(model);
      int i = 0;
      for (Key key : model.keySet()) {
        if (i++ % 3 == 0) {
          built = built.minus(key);
          rest.remove(key);
        }
      }
      verify(built, rest);
    }

    void verify(OrderedMap<Key, Val> map, Map<Key, Val> model) {
      List<Map.Entry<Key, Val>> sorted = sorted(model);
      assertThat(map.size()).isEqualTo(model.size());
      assertThat(map.isEmpty()).isEqualTo(model.isEmpty());
      assertThat(atMost(map.entrySet(), sorted.size())).isEqualTo(sorted);
      assertThat(atMost(map.keySet(), sorted.size())).isEqualTo(sorted.stream().map(Map.Entry::getKey).toList());
      assertThat(atMost(map.values(), sorted.size())).isEqualTo(sorted.stream().map(Map.Entry::getValue).toList());
      assertThat(map.equals(model)).isTrue();
      assertThat(model.equals(map)).isTrue();
      assertThat(map.hashCode()).isEqualTo(model.hashCode());
      model.forEach((k, v) -> {
        assertThat(map.get(k)).isEqualTo(v);
        assertThat(map.entrySet().contains(Map.entry(k, v))).isTrue();
      });
      assertThat(map.get(new Key(-1, hashing))).isNull();
      assertSeek(map, sorted, e -> false);
      assertSeek(map, sorted, e -> true);
      if (!sorted.isEmpty()) {
        int middle = ordering.place(sorted.get(sorted.size() / 2).getKey().id());
        assertSeek(map, sorted, e -> ordering.place(e.getKey().id()) < middle);
      }
    }

    /** The values from the first entry not {@code before} are the model's. */
    void assertSeek(OrderedMap<Key, Val> map, List<Map.Entry<Key, Val>> sorted, Predicate<Map.Entry<Key, Val>> before) {
      List<Val> expected = sorted.stream().filter(before.negate()).map(Map.Entry::getValue).toList();
      assertThat(atMost(() -> map.valuesFrom(before), expected.size())).isEqualTo(expected);
    }

    /** Up to one more element than expected, so that an endless iterator fails rather than fills the heap. */
    static <T> List<T> atMost(Iterable<T> iterable, int expected) {
      return ImmutableList.copyOf(Iterators.limit(iterable.iterator(), expected + 1));
    }

    List<Map.Entry<Key, Val>> sorted(Map<Key, Val> model) {
      List<Map.Entry<Key, Val>> sorted = new ArrayList<>(model.entrySet());
      sorted.sort(Comparator.comparingInt(e -> ordering.place(e.getKey().id())));
      return sorted.stream().map(e -> Map.entry(e.getKey(), e.getValue())).toList();
    }
  }

  @Example
  void mutators_throw() {
    OrderedMap<String, Integer> map = OrderedMap.<String, Integer>byKey(Comparator.naturalOrder()).plus("a", 1);
    assertThatThrownBy(() -> map.put("b", 2)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> map.remove("a")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(map::clear).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> map.keySet().remove("a")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> map.entrySet().iterator().remove()).isInstanceOf(UnsupportedOperationException.class);
    assertThat(map).containsExactly(Map.entry("a", 1));
  }

  @Example
  void byValue_rejectsValuesThatBreakTheContract() {
    OrderedMap<String, Val> map = OrderedMap.<String, Val>byValue(Comparator.comparingInt(Val::rank))
        .plus("a", new Val(1, 0));
    assertThatThrownBy(() -> map.plus("a", new Val(2, 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> map.plus("b", new Val(1, 0)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(map.plus("a", new Val(1, 1)).get("a")).isEqualTo(new Val(1, 1));
    assertThatThrownBy(() -> OrderedMap.<String, Val>builderByValue(Comparator.comparingInt(Val::rank))
        .put("a", new Val(1, 0)).put("b", new Val(1, 0)).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OrderedMap.<String, Val>builderByValue(Comparator.comparingInt(Val::rank))
        .put("a", new Val(1, 0)).put("a", new Val(2, 0)).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Example
  void byKey_rejectsAnOrderThatTiesDistinctKeys() {
    OrderedMap<String, Integer> map = OrderedMap.<String, Integer>byKey(String.CASE_INSENSITIVE_ORDER).plus("a", 1);
    assertThatThrownBy(() -> map.plus("A", 2)).isInstanceOf(IllegalArgumentException.class);
    assertThat(map).containsExactly(Map.entry("a", 1));
  }

  @Example
  void replacingAValue_keepsThePlace() {
    OrderedMap<String, Val> map = OrderedMap.<String, Val>byValue(Comparator.comparingInt(Val::rank))
        .plus("x", new Val(3, 0)).plus("y", new Val(1, 0)).plus("z", new Val(2, 0));
    OrderedMap<String, Val> updated = map.plus("y", new Val(1, 7));
    assertThat(ImmutableList.copyOf(updated.entrySet())).containsExactly(
        Map.entry("y", new Val(1, 7)), Map.entry("z", new Val(2, 0)), Map.entry("x", new Val(3, 0)));
    assertThat(map.get("y")).isEqualTo(new Val(1, 0));
  }
}

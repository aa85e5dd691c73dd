package dev.warden.internal.persistent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.internal.persistent.Keys.Hashing;
import dev.warden.internal.persistent.Keys.Key;
import dev.warden.internal.persistent.Keys.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** {@link HashTrie} against {@link HashMap}: random operations, canonical shape, persistence, bulk build. */
class HashTrieTest {

  @Property
  void randomOperations_matchHashMap(@ForAll("ops") List<Op> ops, @ForAll Hashing hashing) {
    run(ops, hashing, 10);
  }

  @Provide
  Arbitrary<List<Op>> ops() {
    return Keys.ops(64, 400);
  }

  @Property(tries = 12)
  void thousandsOfKeys_matchHashMap(@ForAll long seed, @ForAll Hashing hashing) {
    run(Keys.longRun(seed, hashing.scale(), 15_000), hashing, 1_000);
  }

  /**
   * Applies {@code ops} to a trie and to a HashMap; checks every answer and that unchanged operations
   * return the same instance; every {@code checkEvery} operations, checks the whole trie and keeps it;
   * at the end checks that every kept version still holds what it held, and that {@link
   * HashTrie#copyOf} builds the same trie.
   */
  private static void run(List<Op> ops, Hashing hashing, int checkEvery) {
    HashTrie<Key, Integer> trie = HashTrie.empty();
    Map<Key, Integer> model = new HashMap<>();
    List<HashTrie<Key, Integer>> versions = new ArrayList<>();
    List<Map<Key, Integer>> snapshots = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      Op op = ops.get(i);
      Key key = new Key(op.id(), hashing);
      HashTrie<Key, Integer> next = trie;
      switch (op.kind()) {
        case PLUS -> {
          Integer value = op.value();
          next = trie.plus(key, value);
          assertThat(next == trie).isEqualTo(model.get(key) == value);
          model.put(key, value);
        }
        case MINUS -> {
          next = trie.minus(key);
          assertThat(next == trie).isEqualTo(!model.containsKey(key));
          model.remove(key);
        }
        case GET, SEEK -> {
          assertThat(trie.get(key)).isEqualTo(model.get(key));
          assertThat(trie.containsKey(key)).isEqualTo(model.containsKey(key));
        }
      }
      trie = next;
      assertThat(trie.size()).isEqualTo(model.size());
      if (i % checkEvery == 0) {
        verify(trie, model, hashing);
        versions.add(trie);
        snapshots.add(new HashMap<>(model));
      }
    }
    verify(trie, model, hashing);
    for (int i = 0; i < versions.size(); i++) {
      verify(versions.get(i), snapshots.get(i), hashing);
    }
    HashTrie<Key, Integer> copy = HashTrie.copyOf(model);
    verify(copy, model, hashing);
    assertThat(shape(copy.root)).isEqualTo(shape(trie.root));
  }

  private static void verify(HashTrie<Key, Integer> trie, Map<Key, Integer> model, Hashing hashing) {
    assertThat(trie.size()).isEqualTo(model.size());
    assertThat(trie.isEmpty()).isEqualTo(model.isEmpty());
    Map<Key, Integer> iterated = new HashMap<>();
    for (Map.Entry<Key, Integer> e : trie) {
      assertThat(iterated.put(e.getKey(), e.getValue())).as("iterated twice: %s", e).isNull();
    }
    assertThat(iterated).isEqualTo(model);
    Map<Key, Integer> visited = new HashMap<>();
    trie.forEach((k, v) -> assertThat(visited.put(k, v)).isNull());
    assertThat(visited).isEqualTo(model);
    model.forEach((k, v) -> assertThat(trie.get(k)).isEqualTo(v));
    for (int id = -1; id > -20; id--) {
      assertThat(trie.get(new Key(id, hashing))).isNull();
      assertThat(trie.containsKey(new Key(id, hashing))).isFalse();
    }
    assertThat(entries(trie.root, 0, 0, true)).isEqualTo(model.size());
  }

  /**
   * Checks the CHAMP invariants under {@code node} at level {@code shift}, whose keys' hashes end in
   * {@code prefix}: bitmaps and array agree, every key sits where its hash says, every sub-node holds at
   * least two entries (the canonical form, which keeps paths short). Returns the number of entries.
   */
  private static int entries(HashTrie.Node node, int shift, int prefix, boolean root) {
    long prefixMask = shift >= 32 ? 0xFFFF_FFFFL : (1L << shift) - 1;
    if (shift > 30) {
      assertThat(node.dataMap | node.nodeMap).isZero();
      assertThat(node.content.length).isGreaterThanOrEqualTo(4).isEven();
      for (int i = 0; i < node.content.length; i += 2) {
        assertThat(HashTrie.spread(node.content[i].hashCode())).isEqualTo(prefix);
      }
      return node.content.length / 2;
    }
    assertThat(node.dataMap & node.nodeMap).isZero();
    assertThat(node.content.length)
        .isEqualTo(2 * Long.bitCount(node.dataMap) + Long.bitCount(node.nodeMap));
    int total = 0;
    int sub = 0;
    int data = Long.bitCount(node.nodeMap);
    for (int digit = 0; digit < 64; digit++) {
      if ((node.dataMap & 1L << digit) != 0) {
        int hash = HashTrie.spread(node.content[data].hashCode());
        assertThat(hash & prefixMask).isEqualTo(prefix & prefixMask);
        assertThat((hash >>> shift) & 63).isEqualTo(digit);
        data += 2;
        total++;
      } else if ((node.nodeMap & 1L << digit) != 0) {
        total += entries((HashTrie.Node) node.content[sub++], shift + 6, prefix | digit << shift, false);
      }
    }
    if (!root) {
      assertThat(total).as("a sub-node holds two entries at least").isGreaterThanOrEqualTo(2);
    }
    return total;
  }

  /** The trie's shape and contents, in a form independent of the order within collision nodes. */
  private static String shape(HashTrie.Node node) {
    if (node.dataMap == 0 && node.nodeMap == 0) {
      TreeMap<Integer, Object> sorted = new TreeMap<>();
      for (int i = 0; i < node.content.length; i += 2) {
        sorted.put(((Key) node.content[i]).id(), node.content[i + 1]);
      }
      return sorted.toString();
    }
    StringBuilder s = new StringBuilder("[").append(node.dataMap).append('/').append(node.nodeMap);
    int nodes = Long.bitCount(node.nodeMap);
    for (int i = 0; i < node.content.length; i++) {
      s.append(' ').append(i >= nodes ? String.valueOf(node.content[i]) : shape((HashTrie.Node) node.content[i]));
    }
    return s.append(']').toString();
  }

  @Example
  void plusAndMinus_leaveOlderVersionsUnchanged() {
    HashTrie<String, Integer> one = HashTrie.<String, Integer>empty().plus("a", 1);
    HashTrie<String, Integer> two = one.plus("b", 2).plus("a", 3);
    HashTrie<String, Integer> three = two.minus("a");
    assertThat(one.get("a")).isEqualTo(1);
    assertThat(one.get("b")).isNull();
    assertThat(two.get("a")).isEqualTo(3);
    assertThat(two.size()).isEqualTo(2);
    assertThat(three.get("a")).isNull();
    assertThat(three.size()).isEqualTo(1);
    assertThat(three.minus("b").isEmpty()).isTrue();
    assertThat(HashTrie.empty().minus("x")).isSameAs(HashTrie.empty());
    assertThat(two.toString()).isIn("{a=3, b=2}", "{b=2, a=3}");
  }

  @Example
  void nulls_areRejected() {
    HashTrie<String, Integer> trie = HashTrie.empty();
    assertThatThrownBy(() -> trie.plus(null, 1)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> trie.plus("a", null)).isInstanceOf(NullPointerException.class);
    Map<String, Integer> withNull = new HashMap<>();
    withNull.put("a", null);
    assertThatThrownBy(() -> HashTrie.copyOf(withNull)).isInstanceOf(NullPointerException.class);
  }

  @Example
  void copyOf_rejectsEqualKeys() {
    // An identity map may hold two keys that are equal.
    Map<Key, Integer> twice = new java.util.IdentityHashMap<>();
    twice.put(new Key(1, Hashing.SPREAD), 1);
    twice.put(new Key(1, Hashing.SPREAD), 2);
    assertThatThrownBy(() -> HashTrie.copyOf(twice)).isInstanceOf(IllegalArgumentException.class);
  }

  @Example
  void iterator_endsWithNoSuchElement() {
    Iterator<Map.Entry<String, Integer>> it = HashTrie.<String, Integer>empty().plus("a", 1).iterator();
    assertThat(it.next()).isEqualTo(Map.entry("a", 1));
    assertThat(it.hasNext()).isFalse();
    assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
  }
}

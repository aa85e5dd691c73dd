package dev.warden.internal.persistent;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.BiConsumer;

/**
 * An immutable hash map whose updates copy only the path to the changed entry and share everything
 * else with the previous version (a persistent map). The layout is CHAMP's (Steindorfer and Vinju,
 * "Optimizing Hash-Array Mapped Tries for Fast and Lean Immutable JVM Collections", OOPSLA 2015): each
 * node consumes some bits of the key's hash and holds, in one array, its sub-nodes and its entries
 * inline, key and value side by side, each group in the order of two bitmaps; keys whose 32-bit hashes
 * are equal share a collision node below the last level. Two departures from the paper, both for
 * {@link #get}'s latency, measured on random lookups at 10k and 100k keys: nodes are 64 wide (six bits,
 * {@code long} bitmaps) rather than 32, which saves a level (two dependent cache misses) for most keys
 * at 100k; and sub-nodes come first in the array, so a sub-node's slot follows from the bitmap alone,
 * without reading the array's length. The trie stays canonical
 * (a sub-node always holds at least two entries), so its shape depends only on its keys, lookups stay
 * shallow (about log<sub>64</sub> n levels) and {@link #size} is exact after removals.
 *
 * <p>{@link #get} allocates nothing. Updates cost O(log<sub>64</sub> n) time and allocation. Keys and
 * values are never null. Keys must be immutable as far as {@code equals} and {@code hashCode} go.
 *
 * <p>Immutable; safe to share between threads. <b>Not API.</b>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class HashTrie<K, V> implements Iterable<Map.Entry<K, V>> {
  private static final int BITS = 6;
  private static final int MASK = (1 << BITS) - 1;
  /** The shift of the last bitmap level (which reads the hash's top two bits); collision nodes lie past it. */
  private static final int LAST_SHIFT = 30;
  /** Bitmap levels plus the collision level: the deepest a path gets. */
  private static final int MAX_DEPTH = LAST_SHIFT / BITS + 2;
  /** {@link #ofArrays} packs an entry's index into the low bits of its sort key. */
  private static final int INDEX_BITS = 27;

  private static final Node EMPTY_NODE = new Node(0, 0, new Object[0]);
  private static final HashTrie<?, ?> EMPTY = new HashTrie<>(EMPTY_NODE, 0);

  final Node root;
  // The root's fields again, so that a lookup starts one dependent load earlier.
  final Object[] rootContent;
  final long rootDataMap;
  final long rootNodeMap;
  private final int size;

  private HashTrie(Node root, int size) {
    this.root = root;
    this.rootContent = root.content;
    this.rootDataMap = root.dataMap;
    this.rootNodeMap = root.nodeMap;
    this.size = size;
  }

  /** The empty map. */
  @SuppressWarnings("unchecked")
  public static <K, V> HashTrie<K, V> empty() {
    return (HashTrie<K, V>) EMPTY;
  }

  /**
   * A trie holding the entries of {@code map}, built bottom-up in one pass after sorting by hash: much
   * faster than repeated {@link #plus} for large maps.
   *
   * @throws NullPointerException if a key or value is null
   * @throws IllegalArgumentException if {@code map} holds two equal keys (a map whose notion of key
   *     identity is not {@code equals}), or 2<sup>27</sup> entries or more
   */
  public static <K, V> HashTrie<K, V> copyOf(Map<? extends K, ? extends V> map) {
    Object[] keys = new Object[map.size()];
    Object[] values = new Object[keys.length];
    int i = 0;
    for (Map.Entry<? extends K, ? extends V> e : map.entrySet()) {
      keys[i] = checkNotNull(e.getKey(), "key");
      values[i++] = checkNotNull(e.getValue(), "value");
    }
    return ofArrays(keys, values, i);
  }

  /**
   * The trie of the first {@code n} keys and values, which are not null; the arrays are only read.
   *
   * @throws IllegalArgumentException if two keys are equal, or {@code n} is 2<sup>27</sup> or more
   */
  static <K, V> HashTrie<K, V> ofArrays(Object[] keys, Object[] values, int n) {
    checkArgument(n < 1 << INDEX_BITS, "a trie must hold fewer than 2^27 entries, but was given %s", n);
    if (n == 0) {
      return empty();
    }
    long[] sorted = new long[n];
    for (int i = 0; i < n; i++) {
      sorted[i] = trieOrder(spread(keys[i].hashCode())) << INDEX_BITS | i;
    }
    Arrays.sort(sorted);
    return new HashTrie<>(new Bulk(keys, values, sorted).build(0, n, 0), n);
  }

  /** The value of {@code key}, or null if absent. Allocates nothing. */
  @SuppressWarnings("unchecked")
  public V get(Object key) {
    return (V) find(rootContent, rootDataMap, rootNodeMap, key);
  }

  /**
   * The value of {@code key} in the trie whose root has these fields, or null; shared with {@link
   * OrderedMap}. Each level costs two dependent loads: the node's fields, then the slot.
   */
  static Object find(Object[] content, long dataMap, long nodeMap, Object key) {
    int hash = spread(key.hashCode());
    int shift = 0;
    for (;;) {
      long bit = 1L << ((hash >>> shift) & MASK);
      if ((nodeMap & bit) == 0) {
        if ((dataMap & bit) == 0) {
          return null;
        }
        int i = Long.bitCount(nodeMap) + (Long.bitCount(dataMap & (bit - 1)) << 1);
        Object k = content[i];
        return k == key || key.equals(k) ? content[i + 1] : null;
      }
      Node node = (Node) content[Long.bitCount(nodeMap & (bit - 1))];
      shift += BITS;
      if (shift > LAST_SHIFT) {
        return node.collisionValue(key);
      }
      content = node.content;
      dataMap = node.dataMap;
      nodeMap = node.nodeMap;
    }
  }

  /** Whether {@code key} has a value. Allocates nothing. */
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  /**
   * This map with {@code key} mapped to {@code value}; {@code this} if it already maps to that very
   * instance.
   *
   * @throws NullPointerException if {@code key} or {@code value} is null
   */
  public HashTrie<K, V> plus(K key, V value) {
    checkNotNull(key, "key");
    checkNotNull(value, "value");
    Change change = new Change();
    Node newRoot = root.put(key, value, spread(key.hashCode()), 0, change);
    return newRoot == root ? this : new HashTrie<>(newRoot, change.added ? size + 1 : size);
  }

  /** This map without {@code key}; {@code this} if it has no such key. */
  public HashTrie<K, V> minus(Object key) {
    Node newRoot = root.remove(key, spread(key.hashCode()), 0);
    return newRoot == root ? this : new HashTrie<>(newRoot, size - 1);
  }

  /** The number of entries, in O(1). */
  public int size() {
    return size;
  }

  /** Whether the map has no entry. */
  public boolean isEmpty() {
    return size == 0;
  }

  /** Calls {@code action} with every entry, in no particular order, without allocating. */
  @SuppressWarnings("unchecked")
  public void forEach(BiConsumer<? super K, ? super V> action) {
    checkNotNull(action, "action");
    root.forEach((BiConsumer<Object, Object>) action);
  }

  /** The entries, in no particular order; {@code remove} is not supported. */
  @Override
  public Iterator<Map.Entry<K, V>> iterator() {
    return new EntryIterator<>(root);
  }

  /** The entries, like {@link Map#toString}, in no particular order. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("{");
    forEach((k, v) -> s.append(s.length() == 1 ? "" : ", ").append(k).append('=').append(v));
    return s.append('}').toString();
  }

  /** HashMap's spreading: folds the high bits into the low ones, which the first levels read. */
  static int spread(int h) {
    return h ^ (h >>> 16);
  }

  /** The hash's digits (one per level) from the lowest up, as one number: sorts keys in the order of a trie walk. */
  private static long trieOrder(int hash) {
    long order = 0;
    for (int shift = 0; shift <= LAST_SHIFT; shift += BITS) {
      order = order << BITS | (hash >>> shift) & MASK;
    }
    return order;
  }

  private static long bitpos(int hash, int shift) {
    return 1L << ((hash >>> shift) & MASK);
  }

  private static int index(long bitmap, long bit) {
    return Long.bitCount(bitmap & (bit - 1));
  }

  /** Whether a plus added a key (rather than replacing a value). */
  private static final class Change {
    boolean added;
  }

  /**
   * A trie node: {@code content} holds the sub-nodes in the order of their bits in {@code nodeMap}, then
   * the inline entries (key, value, key, value...) in the order of their bits in {@code dataMap}. A
   * collision node (past the last level) has both bitmaps zero and only entries, all with
   * one hash. Either kind holds exactly one entry iff {@code nodeMap == 0 && content.length == 2}.
   */
  static final class Node {
    final long dataMap;
    final long nodeMap;
    final Object[] content;

    Node(long dataMap, long nodeMap, Object[] content) {
      this.dataMap = dataMap;
      this.nodeMap = nodeMap;
      this.content = content;
    }

    /** The slot of the inline entry at {@code bit}. */
    private int dataSlot(long bit) {
      return Long.bitCount(nodeMap) + (index(dataMap, bit) << 1);
    }

    private boolean isSingleEntry() {
      return nodeMap == 0 && content.length == 2;
    }

    Object collisionValue(Object key) {
      Object[] c = content;
      for (int i = 0; i < c.length; i += 2) {
        if (c[i] == key || key.equals(c[i])) {
          return c[i + 1];
        }
      }
      return null;
    }

    Node put(Object key, Object value, int hash, int shift, Change change) {
      if (shift > LAST_SHIFT) {
        return collisionPut(key, value, change);
      }
      long bit = bitpos(hash, shift);
      if ((dataMap & bit) != 0) {
        int i = dataSlot(bit);
        Object k = content[i];
        if (k == key || key.equals(k)) {
          return content[i + 1] == value ? this : withSlot(i + 1, value);
        }
        change.added = true;
        Node sub = pair(k, content[i + 1], spread(k.hashCode()), key, value, hash, shift + BITS);
        return withEntryPushedDown(bit, i, sub);
      }
      if ((nodeMap & bit) != 0) {
        int i = index(nodeMap, bit);
        Node child = (Node) content[i];
        Node newChild = child.put(key, value, hash, shift + BITS, change);
        return newChild == child ? this : withSlot(i, newChild);
      }
      change.added = true;
      int i = dataSlot(bit);
      Object[] c = new Object[content.length + 2];
      System.arraycopy(content, 0, c, 0, i);
      c[i] = key;
      c[i + 1] = value;
      System.arraycopy(content, i, c, i + 2, content.length - i);
      return new Node(dataMap | bit, nodeMap, c);
    }

    private Node collisionPut(Object key, Object value, Change change) {
      for (int i = 0; i < content.length; i += 2) {
        if (content[i] == key || key.equals(content[i])) {
          return content[i + 1] == value ? this : withSlot(i + 1, value);
        }
      }
      change.added = true;
      Object[] c = Arrays.copyOf(content, content.length + 2);
      c[content.length] = key;
      c[content.length + 1] = value;
      return new Node(0, 0, c);
    }

    /** The smallest sub-trie, at level {@code shift}, holding two entries of distinct keys. */
    private static Node pair(Object k0, Object v0, int h0, Object k1, Object v1, int h1, int shift) {
      if (shift > LAST_SHIFT) {
        return new Node(0, 0, new Object[] {k0, v0, k1, v1});
      }
      int d0 = (h0 >>> shift) & MASK;
      int d1 = (h1 >>> shift) & MASK;
      if (d0 == d1) {
        return new Node(0, 1L << d0, new Object[] {pair(k0, v0, h0, k1, v1, h1, shift + BITS)});
      }
      Object[] c = d0 < d1 ? new Object[] {k0, v0, k1, v1} : new Object[] {k1, v1, k0, v0};
      return new Node(1L << d0 | 1L << d1, 0, c);
    }

    /** Returns the node without {@code key}: {@code this} if absent; a single-entry node is inlined by the caller. */
    Node remove(Object key, int hash, int shift) {
      if (shift > LAST_SHIFT) {
        for (int i = 0; i < content.length; i += 2) {
          if (content[i] == key || key.equals(content[i])) {
            return new Node(0, 0, without(i, 2));
          }
        }
        return this;
      }
      long bit = bitpos(hash, shift);
      if ((dataMap & bit) != 0) {
        int i = dataSlot(bit);
        Object k = content[i];
        return k == key || key.equals(k) ? new Node(dataMap ^ bit, nodeMap, without(i, 2)) : this;
      }
      if ((nodeMap & bit) == 0) {
        return this;
      }
      int i = index(nodeMap, bit);
      Node child = (Node) content[i];
      Node newChild = child.remove(key, hash, shift + BITS);
      if (newChild == child) {
        return this;
      }
      if (!newChild.isSingleEntry()) {
        return withSlot(i, newChild);
      }
      // Keep the trie canonical: a lone entry moves up, as far as the first node holding anything else.
      if (shift > 0 && dataMap == 0 && content.length == 1) {
        return newChild;
      }
      return withSubNodeInlined(bit, i, newChild.content[0], newChild.content[1]);
    }

    private Node withSlot(int i, Object o) {
      Object[] c = content.clone();
      c[i] = o;
      return new Node(dataMap, nodeMap, c);
    }

    private Object[] without(int i, int n) {
      Object[] c = new Object[content.length - n];
      System.arraycopy(content, 0, c, 0, i);
      System.arraycopy(content, i + n, c, i, c.length - i);
      return c;
    }

    /** Replaces the inline entry at {@code bit} (slot {@code dataSlot}) by the sub-node {@code sub}. */
    private Node withEntryPushedDown(long bit, int dataSlot, Node sub) {
      int nodeSlot = index(nodeMap, bit);
      Object[] c = new Object[content.length - 1];
      System.arraycopy(content, 0, c, 0, nodeSlot);
      c[nodeSlot] = sub;
      System.arraycopy(content, nodeSlot, c, nodeSlot + 1, dataSlot - nodeSlot);
      System.arraycopy(content, dataSlot + 2, c, dataSlot + 1, c.length - dataSlot - 1);
      return new Node(dataMap ^ bit, nodeMap | bit, c);
    }

    /** Replaces the sub-node at {@code bit} (slot {@code nodeSlot}) by the inline entry {@code key, value}. */
    private Node withSubNodeInlined(long bit, int nodeSlot, Object key, Object value) {
      int dataSlot = Long.bitCount(nodeMap) - 1 + (index(dataMap, bit) << 1);
      Object[] c = new Object[content.length + 1];
      System.arraycopy(content, 0, c, 0, nodeSlot);
      System.arraycopy(content, nodeSlot + 1, c, nodeSlot, dataSlot - nodeSlot);
      c[dataSlot] = key;
      c[dataSlot + 1] = value;
      System.arraycopy(content, dataSlot + 1, c, dataSlot + 2, content.length - dataSlot - 1);
      return new Node(dataMap | bit, nodeMap ^ bit, c);
    }

    void forEach(BiConsumer<Object, Object> action) {
      int nodes = Long.bitCount(nodeMap);
      for (int i = nodes; i < content.length; i += 2) {
        action.accept(content[i], content[i + 1]);
      }
      for (int i = 0; i < nodes; i++) {
        ((Node) content[i]).forEach(action);
      }
    }
  }

  /** Walks the trie depth first: a node's inline entries, then its sub-nodes. */
  private static final class EntryIterator<K, V> implements Iterator<Map.Entry<K, V>> {
    private final Node[] nodes = new Node[MAX_DEPTH];
    /** Per level, the slot of the next sub-node to visit. */
    private final int[] nextChild = new int[MAX_DEPTH];
    private int depth = -1;
    private Object[] entries;
    private int next;

    EntryIterator(Node root) {
      push(root);
    }

    private void push(Node node) {
      nodes[++depth] = node;
      nextChild[depth] = 0;
      entries = node.content;
      next = Long.bitCount(node.nodeMap);
    }

    @Override
    public boolean hasNext() {
      while (next == entries.length) {
        if (depth < 0) {
          return false;
        }
        Node node = nodes[depth];
        int child = nextChild[depth];
        if (child < Long.bitCount(node.nodeMap)) {
          nextChild[depth] = child + 1;
          push((Node) node.content[child]);
        } else {
          nodes[depth--] = null;
        }
      }
      return true;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map.Entry<K, V> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Map.Entry<K, V> e = new AbstractMap.SimpleImmutableEntry<>((K) entries[next], (V) entries[next + 1]);
      next += 2;
      return e;
    }
  }

  /** {@link #ofArrays}'s bottom-up build over the entries sorted by {@link #trieOrder}. */
  private static final class Bulk {
    /** Where the sort key holds the digit of the level at shift 0; the next levels' follow, lower. */
    private static final int FIRST_DIGIT = INDEX_BITS + LAST_SHIFT;

    private final Object[] keys;
    private final Object[] values;
    private final long[] sorted;

    Bulk(Object[] keys, Object[] values, long[] sorted) {
      this.keys = keys;
      this.values = values;
      this.sorted = sorted;
    }

    private int entry(int position) {
      return (int) (sorted[position] & ((1L << INDEX_BITS) - 1));
    }

    /** Read from the sort key, which the build walks in order, rather than from a hash array at random. */
    private int digit(int position, int shift) {
      return (int) (sorted[position] >>> (FIRST_DIGIT - shift)) & MASK;
    }

    /** The node at level {@code shift} for sorted positions {@code [from, to)}, which share the lower digits. */
    Node build(int from, int to, int shift) {
      if (shift > LAST_SHIFT) {
        return collision(from, to);
      }
      long dataMap = 0;
      long nodeMap = 0;
      for (int i = from; i < to; ) {
        int d = digit(i, shift);
        int j = groupEnd(i, to, shift);
        if (j - i == 1) {
          dataMap |= 1L << d;
        } else {
          nodeMap |= 1L << d;
        }
        i = j;
      }
      Object[] c = new Object[2 * Long.bitCount(dataMap) + Long.bitCount(nodeMap)];
      int sub = 0;
      int data = Long.bitCount(nodeMap);
      for (int i = from; i < to; ) {
        int j = groupEnd(i, to, shift);
        if (j - i == 1) {
          c[data++] = keys[entry(i)];
          c[data++] = values[entry(i)];
        } else {
          c[sub++] = build(i, j, shift + BITS);
        }
        i = j;
      }
      return new Node(dataMap, nodeMap, c);
    }

    private int groupEnd(int from, int to, int shift) {
      int d = digit(from, shift);
      int j = from + 1;
      while (j < to && digit(j, shift) == d) {
        j++;
      }
      return j;
    }

    private Node collision(int from, int to) {
      Object[] c = new Object[2 * (to - from)];
      for (int i = from; i < to; i++) {
        Object key = keys[entry(i)];
        for (int j = 0; j < 2 * (i - from); j += 2) {
          checkArgument(!key.equals(c[j]), "keys must be distinct, but %s came twice", key);
        }
        c[2 * (i - from)] = key;
        c[2 * (i - from) + 1] = values[entry(i)];
      }
      return new Node(0, 0, c);
    }
  }
}

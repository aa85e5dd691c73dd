package dev.warden.internal.persistent;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Predicate;

/**
 * An immutable map that iterates in a comparator's order, updated like a persistent map: {@link
 * #plus} and {@link #minus} return a new version in O(log n) and share the rest with this one. It is a
 * {@link HashTrie} for lookups ({@link #get} and {@link #containsKey} at hash speed, allocation-free)
 * plus a persistent B-tree (fan-out {@value #MAX}, path copying) that holds the entries in order.
 *
 * <p>Ordered either {@linkplain #byKey by key} or {@linkplain #byValue by value}. The tree's leaves hold
 * each key with its current value, so iterating reads entries straight from the leaves, in order, with
 * no lookup per entry (the lists a page walks: members, projects, grants). Replacing the value of a key
 * present already costs a trie path copy and a tree path copy (a comparator descent of O(log n) steps
 * and at most {@value #MAX} slots per level), and never moves the key.
 *
 * <p>A read-only {@link Map}: its mutators throw {@link UnsupportedOperationException}; {@code equals}
 * and {@code hashCode} follow {@link Map}'s contract. Keys and values are never null. Immutable; safe to
 * share between threads. <b>Not API.</b>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class OrderedMap<K, V> extends AbstractMap<K, V> {
  /** Entries per leaf and children per branch, at most. */
  private static final int MAX = 32;

  private final Order order;
  private final HashTrie<K, V> trie;
  // The trie's root fields, so that get() costs what HashTrie.get costs.
  private final Object[] trieContent;
  private final long trieDataMap;
  private final long trieNodeMap;
  private final Node root;
  /** Branch levels above the leaves: 0 when the root is a leaf. */
  private final int height;

  private OrderedMap(Order order, HashTrie<K, V> trie, Node root, int height) {
    this.order = order;
    this.trie = trie;
    this.trieContent = trie.rootContent;
    this.trieDataMap = trie.rootDataMap;
    this.trieNodeMap = trie.rootNodeMap;
    this.root = root;
    this.height = height;
  }

  /**
   * The empty map ordered by key. {@code order} must be consistent with {@code equals} on keys.
   *
   * @throws NullPointerException if {@code order} is null
   */
  public static <K extends Object, V> OrderedMap<K, V> byKey(Comparator<? super K> order) {
    return new OrderedMap<>(new Order(order, false), HashTrie.empty(), Node.EMPTY_LEAF, 0);
  }

  /**
   * The empty map ordered by value. Contract: {@code order} reads only what never changes between the
   * versions of one key's value (so every version of it sorts alike), and is a total order whose ties
   * are only between values of the same key. A key keeps the place of its first value.
   *
   * @throws NullPointerException if {@code order} is null
   */
  public static <K, V> OrderedMap<K, V> byValue(Comparator<? super V> order) {
    return new OrderedMap<>(new Order(order, true), HashTrie.empty(), Node.EMPTY_LEAF, 0);
  }

  /** A builder of a map ordered by key; see {@link #byKey}. */
  public static <K, V> Builder<K, V> builderByKey(Comparator<? super K> order) {
    return new Builder<>(new Order(order, false));
  }

  /** A builder of a map ordered by value; see {@link #byValue} for the contract of {@code order}. */
  public static <K, V> Builder<K, V> builderByValue(Comparator<? super V> order) {
    return new Builder<>(new Order(order, true));
  }

  /** The value of {@code key}, or null if absent: a hash lookup that allocates nothing. */
  @Override
  @SuppressWarnings("unchecked")
  public V get(Object key) {
    return (V) HashTrie.find(trieContent, trieDataMap, trieNodeMap, key);
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  /** The number of entries, in O(1). */
  @Override
  public int size() {
    return trie.size();
  }

  @Override
  public boolean isEmpty() {
    return trie.isEmpty();
  }

  /**
   * This map with {@code key} mapped to {@code value}; {@code this} if it already maps to that very
   * instance. A new key costs O(log n); a new value for a present key leaves the order untouched.
   *
   * @throws NullPointerException if {@code key} or {@code value} is null
   * @throws IllegalArgumentException if the order ties {@code key} with another key, or (ordered by
   *     value) orders {@code value} apart from the key's present value
   */
  public OrderedMap<K, V> plus(K key, V value) {
    checkNotNull(key, "key");
    checkNotNull(value, "value");
    V old = trie.get(key);
    if (old == value) {
      return this;
    }
    if (old != null) {
      checkArgument(!order.byValue || order.cmp.compare(old, value) == 0,
          "a new value must sort like the key's present one, but %s and %s do not", old, value);
      return new OrderedMap<>(order, trie.plus(key, value), order.replace(root, key, value), height);
    }
    Node[] split = order.insert(root, key, value);
    return split.length == 1
        ? new OrderedMap<>(order, trie.plus(key, value), split[0], height)
        : new OrderedMap<>(order, trie.plus(key, value), order.branch(split), height + 1);
  }

  /** This map without {@code key}, in O(log n); {@code this} if it has no such key. */
  public OrderedMap<K, V> minus(Object key) {
    V old = trie.get(key);
    if (old == null) {
      return this;
    }
    Node newRoot = order.remove(root, key, order.sortKey(key, old));
    int newHeight = height;
    if (newRoot == null) {
      newRoot = Node.EMPTY_LEAF;
      newHeight = 0;
    }
    while (newRoot.children != null && newRoot.children.length == 1) {
      newRoot = newRoot.children[0];
      newHeight--;
    }
    return new OrderedMap<>(order, trie.minus(key), newRoot, newHeight);
  }

  /**
   * The values in order, starting at the entry for which {@code before} is first false. {@code before}
   * must be monotone over the order: true for a prefix, false afterwards (so {@code e -> cmp.compare(
   * e.getKey(), cursor) <= 0} starts right after {@code cursor}). Found by descending the tree, in
   * O(log n) calls; then, like {@link #values()}, no allocation per value.
   */
  public Iterator<V> valuesFrom(Predicate<? super Map.Entry<K, V>> before) {
    checkNotNull(before, "before");
    Cursor c = new Cursor();
    Node node = root;
    for (int level = 0; ; level++) {
      int i = firstNotBefore(node, before);
      if (i == node.size()) {
        return new ValueIterator(c.exhausted());
      }
      c.path[level] = node;
      c.pos[level] = i;
      if (level == height) {
        return new ValueIterator(c);
      }
      node = node.children[i];
    }
  }

  /** The first entry of {@code node} (for a branch, its children's last entries) that is not {@code before}. */
  private int firstNotBefore(Node node, Predicate<? super Map.Entry<K, V>> before) {
    int lo = 0;
    int hi = node.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (before.test(entry(node.slots, mid * 2))) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The entry whose key is at {@code slots[at]} and value at {@code slots[at + 1]}. */
  @SuppressWarnings("unchecked")
  private Map.Entry<K, V> entry(Object[] slots, int at) {
    return new AbstractMap.SimpleImmutableEntry<>((K) slots[at], (V) slots[at + 1]);
  }

  /** The entries in order; each step costs O(1) amortized. */
  @Override
  public Set<Map.Entry<K, V>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<K, V>> iterator() {
        return new EntryIterator(new Cursor().first());
      }

      @Override
      public boolean contains(Object o) {
        return o instanceof Map.Entry<?, ?> e && e.getKey() != null && e.getValue() != null
            && e.getValue().equals(get(e.getKey()));
      }

      @Override
      public int size() {
        return OrderedMap.this.size();
      }
    };
  }

  /** The keys in order, without allocating per key. */
  @Override
  public Set<K> keySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<K> iterator() {
        return new KeyIterator(new Cursor().first());
      }

      @Override
      public boolean contains(Object o) {
        return containsKey(o);
      }

      @Override
      public int size() {
        return OrderedMap.this.size();
      }
    };
  }

  /** The values in the order of their keys, without allocating per value. */
  @Override
  public Collection<V> values() {
    return new AbstractCollection<>() {
      @Override
      public Iterator<V> iterator() {
        return new ValueIterator(new Cursor().first());
      }

      @Override
      public int size() {
        return OrderedMap.this.size();
      }
    };
  }

  /**
   * A position in the tree: the node and entry at each level, root first; the leaf's entry is the next
   * one. {@link #advance} steps over it and leaves its slots in {@link #slots} at {@link #at}.
   */
  private final class Cursor {
    final Node[] path = new Node[height + 1];
    final int[] pos = new int[height + 1];
    private boolean done;
    /** The slots and the key's index in them of the entry {@link #advance} last stepped over. */
    Object[] slots;
    int at;

    Cursor first() {
      Node node = root;
      for (int level = 0; level <= height; level++) {
        path[level] = node;
        if (level < height) {
          node = node.children[0];
        }
      }
      done = root.size() == 0;
      return this;
    }

    Cursor exhausted() {
      done = true;
      return this;
    }

    boolean hasNext() {
      return !done;
    }

    /** Steps over the entry at the cursor (then in {@link #slots} at {@link #at}) to the next one. */
    Cursor advance() {
      if (done) {
        throw new NoSuchElementException();
      }
      Node leaf = path[height];
      slots = leaf.slots;
      at = pos[height] * 2;
      if (++pos[height] < leaf.size()) {
        return this;
      }
      int level = height - 1;
      while (level >= 0 && ++pos[level] == path[level].children.length) {
        level--;
      }
      if (level < 0) {
        done = true;
        return this;
      }
      for (; level < height; level++) {
        path[level + 1] = path[level].children[pos[level]];
        pos[level + 1] = 0;
      }
      return this;
    }
  }

  private final class KeyIterator implements Iterator<K> {
    private final Cursor cursor;

    KeyIterator(Cursor cursor) {
      this.cursor = cursor;
    }

    @Override
    public boolean hasNext() {
      return cursor.hasNext();
    }

    @Override
    @SuppressWarnings("unchecked")
    public K next() {
      Cursor c = cursor.advance();
      return (K) c.slots[c.at];
    }
  }

  private final class ValueIterator implements Iterator<V> {
    private final Cursor cursor;

    ValueIterator(Cursor cursor) {
      this.cursor = cursor;
    }

    @Override
    public boolean hasNext() {
      return cursor.hasNext();
    }

    @Override
    @SuppressWarnings("unchecked")
    public V next() {
      Cursor c = cursor.advance();
      return (V) c.slots[c.at + 1];
    }
  }

  private final class EntryIterator implements Iterator<Map.Entry<K, V>> {
    private final Cursor cursor;

    EntryIterator(Cursor cursor) {
      this.cursor = cursor;
    }

    @Override
    public boolean hasNext() {
      return cursor.hasNext();
    }

    @Override
    public Map.Entry<K, V> next() {
      Cursor c = cursor.advance();
      return entry(c.slots, c.at);
    }
  }

  /**
   * A B-tree node. {@code slots} holds two slots per entry of a leaf, its key and current value, and
   * per child of a branch, the key and value of the child's last entry (what routes a search). Nodes
   * are never empty, except the root of an empty map.
   */
  private static final class Node {
    static final Node EMPTY_LEAF = new Node(new Object[0], null);

    final Object[] slots;
    /** Null in a leaf. */
    final Node[] children;

    Node(Object[] slots, Node[] children) {
      this.slots = slots;
      this.children = children;
    }

    /** Entries of a leaf, children of a branch. */
    int size() {
      return slots.length / 2;
    }
  }

  /**
   * What every version of one map shares: the comparator, whether it compares keys or values, and the
   * tree's algorithms.
   */
  private static final class Order {
    final Comparator<Object> cmp;
    final boolean byValue;

    @SuppressWarnings("unchecked")
    Order(Comparator<?> cmp, boolean byValue) {
      this.cmp = (Comparator<Object>) checkNotNull(cmp, "order");
      this.byValue = byValue;
    }

    Object sortKey(Object key, Object value) {
      return byValue ? value : key;
    }

    private Object sortKeyAt(Object[] slots, int i) {
      return slots[i * 2 + (byValue ? 1 : 0)];
    }

    /** The entry of a leaf that sorts like {@code sortKey}, or {@code -(insertion point) - 1}. */
    private int search(Object[] slots, Object sortKey) {
      int lo = 0;
      int hi = slots.length / 2 - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        int c = cmp.compare(sortKeyAt(slots, mid), sortKey);
        if (c < 0) {
          lo = mid + 1;
        } else if (c > 0) {
          hi = mid - 1;
        } else {
          return mid;
        }
      }
      return -lo - 1;
    }

    /** The child of a branch whose range holds {@code sortKey}: the first whose last entry is not less. */
    private int route(Node branch, Object sortKey) {
      int lo = 0;
      int hi = branch.children.length - 1;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (cmp.compare(sortKeyAt(branch.slots, mid), sortKey) < 0) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }

    /** The tree under {@code node} with the new entry: one node, or two if {@code node} split. */
    Node[] insert(Node node, Object key, Object value) {
      Object sortKey = sortKey(key, value);
      if (node.children == null) {
        int found = search(node.slots, sortKey);
        checkArgument(found < 0, "the order must tell distinct keys apart, but ties %s with %s",
            key, found < 0 ? null : node.slots[found * 2]);
        int at = -found - 1;
        return split(insertSlots(node.slots, at, key, value), null, at);
      }
      int j = route(node, sortKey);
      Node[] sub = insert(node.children[j], key, value);
      Object[] slots;
      Node[] children;
      if (sub.length == 1) {
        slots = node.slots.clone();
        children = node.children.clone();
      } else {
        slots = insertSlots(node.slots, j, null, null);
        children = new Node[node.children.length + 1];
        System.arraycopy(node.children, 0, children, 0, j);
        System.arraycopy(node.children, j, children, j + 1, node.children.length - j);
      }
      for (int k = 0; k < sub.length; k++) {
        children[j + k] = sub[k];
        copyLast(sub[k], slots, j + k);
      }
      return split(slots, children, j + sub.length - 1);
    }

    /** The tree under {@code node} with the present {@code key}'s value replaced: one path copied. */
    Node replace(Node node, Object key, Object value) {
      Object sortKey = sortKey(key, value);
      Object[] slots = node.slots.clone();
      if (node.children == null) {
        int found = search(slots, sortKey);
        checkState(found >= 0 && key.equals(slots[found * 2]),
            "the order must sort every value of %s alike and apart from other keys", key);
        slots[found * 2 + 1] = value;
        return new Node(slots, null);
      }
      int j = route(node, sortKey);
      Node[] children = node.children.clone();
      children[j] = replace(node.children[j], key, value);
      copyLast(children[j], slots, j);
      return new Node(slots, children);
    }

    /**
     * One node, or two halves if over {@link #MAX}. When the change was at the end, the left half stays
     * full: ascending inserts (the common case: ids and creation times grow) then fill nodes completely.
     */
    private Node[] split(Object[] slots, Node[] children, int changedAt) {
      int n = slots.length / 2;
      if (n <= MAX) {
        return new Node[] {new Node(slots, children)};
      }
      int left = changedAt == n - 1 ? MAX : n / 2;
      return new Node[] {
        new Node(Arrays.copyOfRange(slots, 0, left * 2),
            children == null ? null : Arrays.copyOfRange(children, 0, left)),
        new Node(Arrays.copyOfRange(slots, left * 2, slots.length),
            children == null ? null : Arrays.copyOfRange(children, left, n))
      };
    }

    /** A new root over {@code nodes}. */
    Node branch(Node[] nodes) {
      Object[] slots = new Object[nodes.length * 2];
      for (int i = 0; i < nodes.length; i++) {
        copyLast(nodes[i], slots, i);
      }
      return new Node(slots, nodes);
    }

    /** Writes the last entry under {@code node} into entry {@code i} of {@code slots}. */
    private static void copyLast(Node node, Object[] slots, int i) {
      System.arraycopy(node.slots, node.slots.length - 2, slots, i * 2, 2);
    }

    private static Object[] insertSlots(Object[] slots, int at, Object key, Object value) {
      Object[] s = new Object[slots.length + 2];
      System.arraycopy(slots, 0, s, 0, at * 2);
      System.arraycopy(slots, at * 2, s, (at + 1) * 2, slots.length - at * 2);
      s[at * 2] = key;
      s[at * 2 + 1] = value;
      return s;
    }

    private static Object[] removeSlots(Object[] slots, int at) {
      Object[] s = new Object[slots.length - 2];
      System.arraycopy(slots, 0, s, 0, at * 2);
      System.arraycopy(slots, (at + 1) * 2, s, at * 2, s.length - at * 2);
      return s;
    }

    /** The tree under {@code node} without the entry of {@code key}, or null if that leaves it empty. */
    Node remove(Node node, Object key, Object sortKey) {
      if (node.children == null) {
        int found = search(node.slots, sortKey);
        checkState(found >= 0 && key.equals(node.slots[found * 2]),
            "the order must sort every value of %s alike and apart from other keys", key);
        return node.slots.length == 2 ? null : new Node(removeSlots(node.slots, found), null);
      }
      int j = route(node, sortKey);
      Node sub = remove(node.children[j], key, sortKey);
      if (sub == null) {
        if (node.children.length == 1) {
          return null;
        }
        Node[] children = new Node[node.children.length - 1];
        System.arraycopy(node.children, 0, children, 0, j);
        System.arraycopy(node.children, j + 1, children, j, children.length - j);
        return new Node(removeSlots(node.slots, j), children);
      }
      Object[] slots = node.slots.clone();
      Node[] children = node.children.clone();
      children[j] = sub;
      copyLast(sub, slots, j);
      return new Node(slots, children);
    }

    /** A balanced tree, every node full but the last of a level, over entries already sorted. */
    Node bulk(Object[] sorted) {
      Node[] level = new Node[(sorted.length / 2 + MAX - 1) / MAX];
      for (int i = 0; i < level.length; i++) {
        level[i] = new Node(Arrays.copyOfRange(sorted, i * MAX * 2, Math.min(sorted.length, (i + 1) * MAX * 2)), null);
      }
      while (level.length > 1) {
        Node[] up = new Node[(level.length + MAX - 1) / MAX];
        for (int i = 0; i < up.length; i++) {
          up[i] = branch(Arrays.copyOfRange(level, i * MAX, Math.min(level.length, (i + 1) * MAX)));
        }
        level = up;
      }
      return level.length == 0 ? Node.EMPTY_LEAF : level[0];
    }
  }

  /**
   * Collects entries in any order (a later {@link #put} of a key replaces its value) and builds the map
   * in O(n log n): one stable sort by the order, which also brings a key's puts together (the last one
   * wins), then the tree bottom-up and the trie from the sorted arrays. Input already in order, as a
   * store returns it, sorts in about n comparisons. Not thread-safe.
   *
   * @param <K> the key type
   * @param <V> the value type
   */
  public static final class Builder<K, V> {
    private final Order order;
    private final ArrayList<Put> puts = new ArrayList<>();

    private Builder(Order order) {
      this.order = order;
    }

    /** One put, in the order of the calls (the sort is stable, so the last put of a key wins). */
    private record Put(Object key, Object value) {}

    /**
     * Maps {@code key} to {@code value}, replacing an earlier value.
     *
     * @throws NullPointerException if {@code key} or {@code value} is null
     */
    public Builder<K, V> put(K key, V value) {
      puts.add(new Put(checkNotNull(key, "key"), checkNotNull(value, "value")));
      return this;
    }

    /**
     * The map of every entry put so far.
     *
     * @throws IllegalArgumentException if the order ties two distinct keys, or (ordered by value) sorts
     *     two values of one key apart
     */
    public OrderedMap<K, V> build() {
      Comparator<Object> cmp = order.cmp;
      Put[] sorted = puts.toArray(new Put[0]);
      Arrays.sort(sorted, (a, b) -> cmp.compare(order.sortKey(a.key, a.value), order.sortKey(b.key, b.value)));
      Object[] keys = new Object[sorted.length];
      Object[] values = new Object[sorted.length];
      Object[] slots = new Object[sorted.length * 2];
      int n = 0;
      for (int i = 0; i < sorted.length; i++) {
        Put put = sorted[i];
        if (n > 0 && cmp.compare(order.sortKeyAt(slots, n - 1), order.sortKey(put.key, put.value)) == 0) {
          checkArgument(put.key.equals(keys[n - 1]),
              "the order must tell distinct keys apart, but ties %s with %s", put.key, keys[n - 1]);
          n--; // A later put of the same key: replaces the earlier one.
        }
        keys[n] = put.key;
        values[n] = put.value;
        slots[n * 2] = put.key;
        slots[n * 2 + 1] = put.value;
        n++;
      }
      Node root = order.bulk(n * 2 == slots.length ? slots : Arrays.copyOf(slots, n * 2));
      int height = 0;
      for (Node node = root; node.children != null; node = node.children[0]) {
        height++;
      }
      return new OrderedMap<>(order, HashTrie.ofArrays(keys, values, n), root, height);
    }
  }
}

package dev.warden.benchmarks;

import com.google.common.collect.ImmutableMap;
import dev.warden.internal.persistent.HashTrie;
import dev.warden.internal.persistent.OrderedMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The persistent maps of {@code dev.warden.internal.persistent} (issue 14) against {@link HashMap} and
 * Guava's {@link ImmutableMap}: {@code get} of a random present key (a fresh but equal instance, as a
 * request would bring), replacing one value, inserting one key and deleting one, each on the same map
 * of {@code size} entries (the result is returned, not kept), and building a map of {@code size}
 * entries. Keys are records holding a string, like Warden's ids. {@code guavaReplace} is what
 * publishing a snapshot cost before: copying the whole map to change one value.
 *
 * <p>The heap is pre-touched: a short fork otherwise allocates into eden pages it has never touched,
 * and on a virtual machine the page faults (one every few updates) cost far more than the updates.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class PersistentMapBenchmark {

  /** A key like Warden's typed ids. */
  public record Id(String value) {}

  private static final Comparator<Id> BY_VALUE = Comparator.comparing(Id::value);

  @Param({"100", "10000", "100000"})
  public int size;

  private Id[] probes;
  private Id[] absent;
  private HashMap<Id, Object> hashMap;
  private ImmutableMap<Id, Object> guava;
  private HashTrie<Id, Object> trie;
  private OrderedMap<Id, Object> ordered;
  private final Object replacement = new Object();
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    Random random = new Random(42);
    List<Id> keys = new ArrayList<>(size);
    hashMap = new HashMap<>();
    OrderedMap.Builder<Id, Object> builder = OrderedMap.builderByKey(BY_VALUE);
    for (int i = 0; i < size; i++) {
      Id id = new Id("user-" + Long.toHexString(random.nextLong()));
      keys.add(id);
      hashMap.put(id, i);
      builder.put(id, i);
    }
    guava = ImmutableMap.copyOf(hashMap);
    trie = HashTrie.copyOf(hashMap);
    ordered = builder.build();
    Collections.shuffle(keys, random);
    probes = keys.stream().map(k -> new Id(new String(k.value()))).toArray(Id[]::new);
    absent = keys.stream().map(k -> new Id(k.value() + "-new")).toArray(Id[]::new);
  }

  private int nextIndex() {
    int i = next;
    next = i + 1 == probes.length ? 0 : i + 1;
    return i;
  }

  @Benchmark
  public Object getHashMap() {
    return hashMap.get(probes[nextIndex()]);
  }

  @Benchmark
  public Object getGuava() {
    return guava.get(probes[nextIndex()]);
  }

  @Benchmark
  public Object getHashTrie() {
    return trie.get(probes[nextIndex()]);
  }

  @Benchmark
  public Object getOrderedMap() {
    return ordered.get(probes[nextIndex()]);
  }

  @Benchmark
  public Object replaceHashTrie() {
    return trie.plus(probes[nextIndex()], replacement);
  }

  @Benchmark
  public Object replaceOrderedMap() {
    return ordered.plus(probes[nextIndex()], replacement);
  }

  @Benchmark
  public Object replaceGuavaCopy() {
    Id key = probes[nextIndex()];
    return ImmutableMap.builderWithExpectedSize(size).putAll(guava).put(key, replacement).buildKeepingLast();
  }

  @Benchmark
  public Object insertHashTrie() {
    return trie.plus(absent[nextIndex()], replacement);
  }

  @Benchmark
  public Object insertOrderedMap() {
    return ordered.plus(absent[nextIndex()], replacement);
  }

  @Benchmark
  public Object deleteHashTrie() {
    return trie.minus(probes[nextIndex()]);
  }

  @Benchmark
  public Object deleteOrderedMap() {
    return ordered.minus(probes[nextIndex()]);
  }

  /** Builds the ordered map of {@code size} entries from a HashMap (the bulk load path). */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Object buildOrderedMap() {
    OrderedMap.Builder<Id, Object> builder = OrderedMap.builderByKey(BY_VALUE);
    for (Map.Entry<Id, Object> e : hashMap.entrySet()) {
      builder.put(e.getKey(), e.getValue());
    }
    return builder.build();
  }

  /** Builds the trie of {@code size} entries from a HashMap. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Object buildHashTrie() {
    return HashTrie.copyOf(hashMap);
  }
}

package dev.warden.benchmarks;

import static com.google.common.base.Preconditions.checkState;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.Principal;
import dev.warden.benchmarks.DataSet.Request;
import dev.warden.benchmarks.DataSet.Size;
import dev.warden.jdbc.JdbcStore;
import dev.warden.memory.InMemoryStore;
import dev.warden.spi.Store;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Retained heap of a loaded organization's snapshot, per grant (SPEC §14: ≤ 500 bytes per grant in the
 * snapshot), measured on two stores, because the in-memory store keeps its own copy of the data:
 *
 * <ul>
 *   <li><b>H2 in memory</b>: the rows live in H2's heap, and the snapshot is made of objects read from
 *       them, shared with nothing. The figure is everything the policy adds on top of the loaded
 *       database: the snapshot and the policy's index of organization and project ids. This is the
 *       snapshot's own size, the one to hold against the bar.
 *   <li><b>In-memory store</b> (the default): the snapshot shares the store's value objects (memberships,
 *       grants, ids), so what the policy adds is the snapshot's own structure only; the store's size and
 *       the total per grant are printed too.
 * </ul>
 *
 * <p>Method, in one JVM: generate the data set (kept alive throughout, so its ids count for neither
 * side); read the used heap ({@link MemoryMXBean}) after collecting garbage until it stops falling; write
 * the data set into the store through the SPI ({@link JdbcSide#load}); load the snapshot once with a
 * policy that is then dropped (so whatever reading leaves in the store, such as H2's caches, counts as
 * the store's); read the heap; build a new policy and decide one check, which loads its snapshot; read
 * the heap; close and drop the policy and read it once more, which must come back to the previous
 * reading (the control column). Figures are per grant of the data set.
 *
 * <pre>java -Xmx4g -XX:+UseSerialGC -cp benchmarks/target/benchmarks.jar dev.warden.benchmarks.SnapshotMemory [SIZE...]</pre>
 *
 * <p>Default size {@code LARGE} (10k members, 1k projects, 100k grants); about 40 seconds, most of it
 * writing H2. The serial collector counts used bytes exactly; G1's figures agree within 5 %.
 */
public final class SnapshotMemory {
  private static final MemoryMXBean HEAP = ManagementFactory.getMemoryMXBean();

  private SnapshotMemory() {}

  /** What loading one data set into one kind of store retained, in bytes. */
  record Footprint(String store, Size size, long grants, long storeBytes, long policyBytes, long afterCloseBytes) {
    double perGrant(long bytes) {
      return (double) bytes / grants;
    }
  }

  public static void main(String[] args) {
    for (String option : List.of(JdbcSide.QUIET_MIGRATION, JdbcSide.QUIET_POOL)) { // -Dname=value, before any logger
      String[] nameValue = option.substring("-D".length()).split("=", 2);
      System.setProperty(nameValue[0], nameValue[1]);
    }
    List<Size> sizes = new ArrayList<>();
    for (String arg : args) {
      sizes.add(Size.valueOf(arg.toUpperCase(Locale.ROOT)));
    }
    if (sizes.isEmpty()) {
      sizes.add(Size.LARGE);
    }
    List<Footprint> measured = new ArrayList<>();
    for (Size size : sizes) {
      DataSet data = DataSet.generate(size);
      measured.add(measure(data, "in-memory", InMemoryStore.create()));
      measured.add(measureH2(data));
      Reference.reachabilityFence(data);
    }
    System.out.println("| Store | Size | Grants | Store alone | Policy (snapshot + index) | Policy per grant"
        + " | Store + policy per grant | Control: after closing the policy |");
    System.out.println("|---|---|---:|---:|---:|---:|---:|---:|");
    measured.forEach(SnapshotMemory::print);
  }

  /**
   * Loads {@code data} into {@code store}, then builds a policy over it and loads the snapshot, reading
   * the used heap before, between and after. A first policy loads the snapshot once and is dropped
   * before the reading between, so whatever reading leaves in the store (H2's caches) counts as the
   * store's.
   */
  private static Footprint measure(DataSet data, String name, Store store) {
    long before = usedAfterGc();
    JdbcSide.load(data, store);
    usedWithPolicy(data, store); // a first snapshot load, so the store's caches warmed by reading count as store
    long loaded = usedAfterGc();
    long withPolicy = usedWithPolicy(data, store);
    long afterClose = usedAfterGc();
    Reference.reachabilityFence(store);
    return new Footprint(name, data.size(), data.grants().size(), loaded - before, withPolicy - loaded,
        afterClose - loaded);
  }

  /**
   * The used heap with a policy over {@code store} whose snapshot one check loaded. The policy is
   * closed on return, and unreachable once this frame is gone.
   */
  private static long usedWithPolicy(DataSet data, Store store) {
    try (AccessPolicy policy = AccessPolicy.builder().store(store).build()) {
      Request first = data.mix().get(0);
      Principal user = Principal.user(first.user());
      Decision decision = first.orgLevel() ? policy.check(user, first.capability(), first.org())
          : policy.check(user, first.capability(), first.project());
      checkState(decision.outcome().name().equals(first.expect().name()), "%s: Warden answered %s", first, decision);
      long used = usedAfterGc();
      Reference.reachabilityFence(policy);
      return used;
    }
  }

  /** {@link #measure} on a new H2 database in memory, behind a small pool. */
  private static Footprint measureH2(DataSet data) {
    JdbcDataSource db = new JdbcDataSource();
    db.setURL("jdbc:h2:mem:warden_memory_" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    db.setUser("sa");
    db.setPassword("");
    HikariConfig config = new HikariConfig();
    config.setDataSource(db);
    config.setMaximumPoolSize(2);
    config.setPoolName("warden-memory-h2");
    try (HikariDataSource pool = new HikariDataSource(config); JdbcStore store = JdbcStore.h2(pool)) {
      return measure(data, "H2 in memory", store);
    }
  }

  /**
   * The used heap once garbage collections stop freeing anything: three rounds in a row that free less
   * than 64 KB (at most twenty rounds). Each round also runs pending finalizers and pauses, since an
   * object with a finalizer (or reachable only from one) goes only in the collection after its
   * finalizer ran.
   */
  static long usedAfterGc() {
    long used = Long.MAX_VALUE;
    int quiet = 0;
    for (int round = 0; round < 20 && quiet < 3; round++) {
      System.gc();
      System.runFinalization();
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while measuring", e);
      }
      long now = HEAP.getHeapMemoryUsage().getUsed();
      quiet = used - now < 64 * 1024 ? quiet + 1 : 0;
      used = Math.min(used, now);
    }
    return used;
  }

  private static void print(Footprint f) {
    System.out.printf(Locale.ROOT, "| %s | %s | %,d | %s | %s | **%.0f B** | %.0f B | %s |%n", f.store(), f.size(),
        f.grants(), mb(f.storeBytes()), mb(f.policyBytes()), f.perGrant(f.policyBytes()),
        f.perGrant(f.storeBytes() + f.policyBytes()), mb(f.afterCloseBytes()));
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }
}

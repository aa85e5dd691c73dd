package dev.warden.spring.actuate;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.Reason;
import dev.warden.matrix.Capability;
import dev.warden.observe.StoreFailure;
import dev.warden.observe.WardenListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Warden's listener as Micrometer meters. Tags hold enum names and audit action names only: no user id,
 * email, organization, project, token or key.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>Name</th><th>Type</th><th>Tags</th></tr>
 *   <tr><td>{@code warden.decisions}</td><td>counter</td><td>{@code outcome} (ALLOW, DENY, NOT_FOUND),
 *       {@code reason}, {@code capability}</td></tr>
 *   <tr><td>{@code warden.mutations}</td><td>timer</td><td>{@code action} ({@code grant.changed}, …),
 *       {@code outcome} ({@code success} or the error code)</td></tr>
 *   <tr><td>{@code warden.snapshot.loads}</td><td>timer</td><td>–</td></tr>
 *   <tr><td>{@code warden.snapshot.revalidations}</td><td>timer</td><td>–</td></tr>
 *   <tr><td>{@code warden.store.failures}</td><td>counter</td><td>{@code where} (CHECK, MUTATION, REFRESH)</td></tr>
 * </table>
 *
 * Decision counters are created on first use and cached, so a warm check only increments one.
 * Thread-safe.
 */
public class WardenMetrics implements WardenListener {
  private static final int REASONS = Reason.values().length;
  private static final int OUTCOMES = Decision.Outcome.values().length;

  private final MeterRegistry registry;
  /** By capability (interned, so an identity lookup), then by outcome and reason. */
  private final Map<Capability, AtomicReferenceArray<Counter>> decisions = new ConcurrentHashMap<>();
  private final Map<String, Timer> mutations = new ConcurrentHashMap<>();
  private final Timer snapshotLoads;
  private final Timer snapshotRevalidations;
  private final Counter[] storeFailures = new Counter[StoreFailure.values().length];

  /** Registers Warden's meters in {@code registry}. */
  public WardenMetrics(MeterRegistry registry) {
    this.registry = checkNotNull(registry, "registry");
    this.snapshotLoads = Timer.builder("warden.snapshot.loads")
        .description("Organization snapshots loaded whole from the store").register(registry);
    this.snapshotRevalidations = Timer.builder("warden.snapshot.revalidations")
        .description("Snapshot revisions confirmed with the store before a check answered").register(registry);
    for (StoreFailure where : StoreFailure.values()) {
      storeFailures[where.ordinal()] = Counter.builder("warden.store.failures").tag("where", where.name())
          .description("Store failures met by checks, mutations and the background refresh").register(registry);
    }
  }

  @Override
  public void decision(Capability capability, Decision decision) {
    AtomicReferenceArray<Counter> counters =
        decisions.computeIfAbsent(capability, c -> new AtomicReferenceArray<>(OUTCOMES * REASONS));
    int slot = decision.outcome().ordinal() * REASONS + decision.reason().ordinal();
    Counter counter = counters.get(slot);
    if (counter == null) {
      counter = Counter.builder("warden.decisions")
          .tag("outcome", decision.outcome().name())
          .tag("reason", decision.reason().name())
          .tag("capability", capability.name())
          .description("Decisions of check, checkConsistent and require")
          .register(registry);
      counters.set(slot, counter);
    }
    counter.increment();
  }

  @Override
  public void mutationSucceeded(String action, long nanos) {
    mutationTimer(action, "success").record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void mutationFailed(String action, long nanos, ErrorCode code) {
    mutationTimer(action, code.name()).record(nanos, TimeUnit.NANOSECONDS);
  }

  private Timer mutationTimer(String action, String outcome) {
    return mutations.computeIfAbsent(action + '\u0000' + outcome, key -> Timer.builder("warden.mutations")
        .tag("action", action).tag("outcome", outcome)
        .description("Mutations through the policy, by audit action and outcome")
        .register(registry));
  }

  @Override
  public void snapshotLoaded(long nanos) {
    snapshotLoads.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void snapshotRevalidated(long nanos) {
    snapshotRevalidations.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void storeFailed(StoreFailure where) {
    storeFailures[where.ordinal()].increment();
  }
}

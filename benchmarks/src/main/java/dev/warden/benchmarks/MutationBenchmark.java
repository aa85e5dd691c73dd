package dev.warden.benchmarks;

import static com.google.common.base.Preconditions.checkState;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.Principal;
import dev.warden.matrix.Capability;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import java.util.ArrayList;
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
 * Issue 14's mutation bar, in memory, through the public API: one level change or one grant change,
 * each committing and publishing a new snapshot of the organization, in organizations of 100, 10k and
 * 100k members by 10, 1k and 10k projects ({@link OrgShape}; 100k members by 10k projects holds about
 * a million grants). Bar: median ≤ 20 µs each, the largest shape within 2× of the smallest.
 *
 * <p>Each operation is one mutation by the Owner on one of {@value #TARGETS} Members spread over the
 * organization, in turn, so the state never drifts: {@link #levelChange} makes the Member an Admin, the
 * next time round a Member again; {@link #grantChange} grants the Member Viewer on a private project it
 * cannot see, the next time round changes that grant to Member, then revokes it. The trial's tear-down
 * checks that every target ended where its cycle says, so a mutation that silently did nothing fails
 * the run.
 *
 * <p>Mode {@code SampleTime}: the score is the mean, {@code ·p0.50} the median the bar is about. Set-up
 * loads the organization through the store SPI (seconds at 100k members); each mutation also appends to
 * the in-memory audit log, which grows with the run. Command (both operations on all nine shapes,
 * 18 trials, about 5 minutes on 2 cores):
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar -f 1 -wi 5 -w 1 -i 5 -r 1 -foe true '\.MutationBenchmark\.'</pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class MutationBenchmark {
  /** Members acted on in turn; a power of two, cycled through with a mask. */
  static final int TARGETS = 64;

  @Param({"100", "10000", "100000"})
  public int members;

  @Param({"10", "1000", "10000"})
  public int projects;

  // Package-private for MutationBenchmarkTest.
  AccessPolicy policy;
  Principal owner;
  UserId[] targets;
  ProjectId[] privateProjects;
  /** Per target: whether {@link #levelChange} made it an Admin. */
  boolean[] promoted;
  /** Per target: 0 no grant, 1 Viewer, 2 Member (the step {@link #grantChange} takes next). */
  int[] grantSteps;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    OrgShape shape = new OrgShape(members, projects);
    policy = shape.load();
    owner = Principal.user(shape.owner());
    int[] chosen = shape.spreadMembers(TARGETS);
    targets = new UserId[TARGETS];
    privateProjects = new ProjectId[TARGETS];
    for (int t = 0; t < TARGETS; t++) {
      targets[t] = shape.user(chosen[t]);
      privateProjects[t] = shape.freePrivateProject(chosen[t]);
    }
    promoted = new boolean[TARGETS];
    grantSteps = new int[TARGETS];
    verify();
  }

  /** The Owner makes the next target an Admin, or a Member again. */
  @Benchmark
  public Membership levelChange() {
    int t = next++ & (TARGETS - 1);
    OrgLevel level = promoted[t] ? OrgLevel.MEMBER : OrgLevel.ADMIN;
    promoted[t] = !promoted[t];
    return policy.members().changeLevel(owner, OrgShape.ORG, targets[t], level);
  }

  /** The Owner grants the next target Viewer, changes it to Member or revokes it, in turn. */
  @Benchmark
  public Object grantChange() {
    int t = next++ & (TARGETS - 1);
    int step = grantSteps[t];
    grantSteps[t] = (step + 1) % 3;
    if (step == 2) {
      policy.grants().revoke(owner, privateProjects[t], targets[t]);
      return null;
    }
    return policy.grants().grant(owner, privateProjects[t], targets[t], step == 0 ? ProjectRole.VIEWER : ProjectRole.MEMBER);
  }

  /** Fails the run unless every target's level and grant are where its cycle left them. */
  @TearDown(Level.Trial)
  public void verify() {
    List<String> wrong = new ArrayList<>();
    for (int t = 0; t < TARGETS; t++) {
      OrgLevel level = policy.members().get(owner, OrgShape.ORG, targets[t]).level();
      OrgLevel expectedLevel = promoted[t] ? OrgLevel.ADMIN : OrgLevel.MEMBER;
      if (level != expectedLevel) {
        wrong.add(targets[t] + " is " + level + ", expected " + expectedLevel);
      }
      Decision seen = policy.check(Principal.user(targets[t]), Capability.VIEW_DATA, privateProjects[t]);
      Decision.Outcome expectedSeen = grantSteps[t] == 0 && !promoted[t] ? Decision.Outcome.NOT_FOUND
          : Decision.Outcome.ALLOW;
      if (seen.outcome() != expectedSeen) {
        wrong.add(targets[t] + " on " + privateProjects[t] + ": " + seen + ", expected " + expectedSeen);
      }
      Decision edits = policy.check(Principal.user(targets[t]), Capability.CREATE_CONTENT, privateProjects[t]);
      boolean expectedEdits = grantSteps[t] == 2 || promoted[t];
      if (edits.allowed() != expectedEdits) {
        wrong.add(targets[t] + " CREATE_CONTENT on " + privateProjects[t] + ": " + edits + ", expected "
            + (expectedEdits ? "ALLOW" : "not ALLOW"));
      }
    }
    checkState(wrong.isEmpty(), "the mutations did not take effect as cycled:\n  %s", String.join("\n  ", wrong));
  }
}

package dev.warden.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectRole;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mutation benchmark's operations really mutate, cycle back to where they started, and its
 * tear-down catches a mutation that did not take effect.
 */
class MutationBenchmarkTest {
  private final MutationBenchmark bench = new MutationBenchmark();

  @BeforeEach
  void setUp() {
    bench.members = 100;
    bench.projects = 10;
    bench.setUp();
  }

  @AfterEach
  void close() {
    bench.policy.close();
  }

  @Test
  void levelChange_promotesEachTargetThenDemotesIt() {
    for (int i = 0; i < MutationBenchmark.TARGETS; i++) {
      assertThat(bench.levelChange().level()).isEqualTo(OrgLevel.ADMIN);
    }
    bench.verify();
    for (int i = 0; i < MutationBenchmark.TARGETS; i++) {
      assertThat(bench.levelChange().level()).isEqualTo(OrgLevel.MEMBER);
    }
    bench.verify();
    assertThat(bench.policy.members().list(bench.owner, OrgShape.ORG).stream()
        .filter(m -> m.level() == OrgLevel.ADMIN)).hasSize(new OrgShape(100, 10).admins());
  }

  @Test
  void grantChange_grantsViewerThenMemberThenRevokes() {
    List<ProjectRole> expected = Arrays.asList(ProjectRole.VIEWER, ProjectRole.MEMBER, null);
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < MutationBenchmark.TARGETS; i++) {
        bench.grantChange();
      }
      bench.verify();
      for (int t = 0; t < MutationBenchmark.TARGETS; t++) {
        UserId target = bench.targets[t];
        ProjectRole role = bench.policy.grants().list(bench.owner, bench.privateProjects[t]).stream()
            .filter(g -> g.user().equals(target)).map(ProjectGrant::role).findFirst().orElse(null);
        assertThat(role).as("round %s, target %s", round, t).isEqualTo(expected.get(round));
      }
    }
  }

  @Test
  void verify_failsWhenAMutationDidNotTakeEffect() {
    bench.levelChange();
    bench.promoted[0] = false; // as if the change had not happened
    assertThatThrownBy(bench::verify).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(bench.targets[0].value());
  }

  @Test
  void verify_failsWhenAGrantIsMissing() {
    bench.grantChange();
    bench.policy.grants().revoke(bench.owner, bench.privateProjects[0], bench.targets[0]);
    assertThatThrownBy(bench::verify).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(bench.privateProjects[0].value());
  }
}

package dev.warden.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.AccessPolicy;
import dev.warden.Principal;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgLevel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each join adds a Member, and the invocation tear-down takes it out again, so the size holds. */
class JoinBenchmarkTest {

  @Test
  void join_thenRemoveJoined_keepsTheOrganizationAtItsSize() {
    JoinBenchmark bench = new JoinBenchmark();
    bench.members = 100;
    bench.projects = 10;
    bench.setUp();
    try (AccessPolicy policy = bench.policy) {
      Principal owner = Principal.user(new OrgShape(100, 10).owner());
      for (int i = 0; i < 3; i++) {
        Membership joined = bench.join();
        assertThat(joined.level()).isEqualTo(OrgLevel.MEMBER);
        List<Membership> during = policy.members().list(owner, OrgShape.ORG);
        assertThat(during).hasSize(101).extracting(Membership::user).contains(joined.user());
        bench.removeJoined();
        assertThat(policy.members().list(owner, OrgShape.ORG)).hasSize(100)
            .extracting(Membership::user).doesNotContain(joined.user());
      }
      assertThatThrownBy(bench::removeJoined).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no member joined");
    }
  }
}

package dev.warden.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.internal.OrgState;
import dev.warden.organization.Membership;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The set-up of {@link CheckAnatomyBenchmark} on the tiny data set: every request of the realistic mix
 * finds its organization, its member and its project, and the reach lookup finds exactly the data set's
 * explicit grants (it has no roles), so each method measures the lookups it names.
 */
class CheckAnatomyBenchmarkTest {

  @Test
  void everyLookupFindsWhatTheDataSetHolds() {
    CheckAnatomyBenchmark bench = new CheckAnatomyBenchmark();
    bench.size = DataSet.Size.TINY;
    bench.setUp();
    DataSet data = DataSet.generate(DataSet.Size.TINY);
    Set<String> granted = new HashSet<>();
    data.grants().forEach(g -> granted.add(g.user() + "@" + g.project()));
    int n = data.realisticMix().size();
    // Each method moves the cursor one request on, starting at the second; n calls cycle the mix once.
    for (int i = 0; i < n; i++) {
      DataSet.Request r = data.realisticMix().get((i + 1) % n);
      assertThat(bench.c_member()).isInstanceOfSatisfying(Membership.class,
          m -> assertThat(m.user()).isEqualTo(r.user()));
    }
    int grants = 0;
    for (int i = 0; i < n; i++) {
      DataSet.Request r = data.realisticMix().get((i + 1) % n);
      boolean grant = granted.contains(r.user() + "@" + r.project());
      Object reached = bench.e_reach();
      assertThat(reached).isNotNull();
      assertThat(!(reached instanceof Membership) && !(reached instanceof OrgState.ProjectState))
          .as("reach of %s on %s", r.user(), r.project()).isEqualTo(grant);
      grants += grant ? 1 : 0;
    }
    for (int i = 0; i < n; i++) {
      assertThat(bench.b_snapshot()).isNotNull();
      assertThat(bench.d_project()).isNotNull();
    }
    assertThat(grants).isPositive();
  }
}

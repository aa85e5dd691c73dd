package dev.warden.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.benchmarks.DataSet.Kind;
import dev.warden.benchmarks.DataSet.Size;
import dev.warden.organization.OrgLevel;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The generator yields the promised sizes and a complete request mix at every size. */
class DataSetTest {

  @ParameterizedTest
  @EnumSource(Size.class)
  void generate_everySize_hasPromisedCountsAndFullMix(Size size) {
    DataSet data = DataSet.generate(size);
    assertThat(data.orgs()).hasSize(size.organizations());
    assertThat(data.members()).hasSize(size.organizations() * size.membersPerOrg());
    assertThat(data.projects()).hasSize(size.organizations() * size.projectsPerOrg());
    assertThat(data.grants()).hasSize(size.totalGrants());
    Set<String> pairs = new HashSet<>();
    data.grants().forEach(g -> pairs.add(g.user() + "|" + g.project()));
    assertThat(pairs).as("one grant per user and project").hasSize(data.grants().size());
    EnumSet<Kind> kinds = EnumSet.noneOf(Kind.class);
    data.mix().forEach(r -> kinds.add(r.kind()));
    assertThat(kinds).containsExactlyInAnyOrder(Kind.values());
    assertThat(data.mix()).hasSize(DataSet.MIX_SIZE);
  }

  @Test
  void generate_large_isTheSpecOrganization() {
    DataSet data = DataSet.generate(Size.LARGE);
    assertThat(data.members()).hasSize(10_000);
    assertThat(data.projects()).hasSize(1_000);
    assertThat(data.grants()).hasSize(100_000);
    assertThat(data.members().stream().filter(m -> m.level() == OrgLevel.ADMIN)).hasSize(100);
    assertThat(data.members().stream().filter(m -> m.expiresAt().isPresent())).isNotEmpty();
    assertThat(data.grants().stream().filter(g -> g.expiresAt().isPresent())).hasSize(20_000);
    assertThat(data.projects().stream().filter(DataSet.Project::open)).hasSize(500);
  }

  @Test
  void realisticMix_large_isSeededHalfAllowedAndSpreadOverTheDataSet() {
    DataSet data = DataSet.generate(Size.LARGE);
    List<DataSet.Request> mix = data.realisticMix();
    assertThat(mix).hasSize(DataSet.REALISTIC_MIX_SIZE);
    assertThat(mix.stream().filter(r -> r.expect() == DataSet.Expect.ALLOW)).hasSize(DataSet.REALISTIC_MIX_SIZE / 2);
    assertThat(mix.stream().filter(r -> r.expect() == DataSet.Expect.NOT_FOUND)).isNotEmpty();
    assertThat(mix.stream().filter(r -> r.expect() == DataSet.Expect.DENY)).isNotEmpty();
    // Spread: most requests name distinct users and projects, from all over the lists.
    assertThat(mix.stream().map(DataSet.Request::user).distinct().count()).isGreaterThan(900);
    assertThat(mix.stream().map(DataSet.Request::project).distinct().count()).isGreaterThan(600);
    assertThat(mix).extracting(r -> r.user().value()).anyMatch(u -> u.compareTo("o00000-u01000") < 0)
        .anyMatch(u -> u.compareTo("o00000-u09000") > 0);
    // Fixed seed: the same requests every time.
    assertThat(DataSet.generate(Size.LARGE).realisticMix()).isEqualTo(mix);
  }
}

package dev.warden.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.Decision;
import dev.warden.Reason;
import dev.warden.benchmarks.DataSet.Request;
import dev.warden.benchmarks.RolesFixture.MixStats;
import dev.warden.role.Role;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The set-up of {@link RolesBenchmark} on the tiny data set (10 members, 5 projects) with 10 roles:
 * the roles land as drawn, Warden decides both mixes as the fixture's model does with a good share of
 * requests through a role grant, the preview is non-empty and as predicted, and the checks fail when
 * a decision is wrong.
 *
 * <p>Tiny, because the tests run with {@code warden.verifySnapshots}: every API call that adds a role,
 * grant or membership reloads the organization to check its snapshot, about 10 ms a call on the small
 * data set (100 members, 20 projects: 5 s for its 500 memberships alone). The benchmark's set-up makes
 * the same checks on the data set it measures.
 */
class RolesBenchmarkTest {
  private static final int ROLES = 10;

  private static DataSet data;
  private static RolesFixture fixture;

  @BeforeAll
  static void load() {
    data = DataSet.generate(DataSet.Size.TINY);
    fixture = RolesFixture.load(data, ROLES, data.realisticMix());
  }

  @Test
  void setUp_createsRolesWithGrants_everyMemberInFiveRoles() {
    fixture.verifyRoles();
    List<Role> roles = fixture.warden().policy().roles().list(fixture.owner(), fixture.org());
    assertThat(roles).hasSize(ROLES);
    int projects = DataSet.Size.TINY.projectsPerOrg();
    int grantsPerRole = Math.min(RolesFixture.GRANTS_PER_ROLE, projects);
    for (Role r : roles) {
      assertThat(fixture.warden().policy().roles().grants(fixture.owner(), r.id())).hasSize(grantsPerRole);
      assertThat(fixture.warden().policy().roles().members(fixture.owner(), r.id())).isNotEmpty();
    }
    int members = (int) data.members().stream().filter(m -> m.org().equals(fixture.org())).count();
    assertThat(fixture.roleCalls()).isEqualTo(ROLES + ROLES * grantsPerRole
        + members * RolesFixture.ROLES_PER_MEMBER);
  }

  @Test
  void realisticMix_decidedAsModelSays_someThroughRoleGrants() {
    List<Request> mix = data.realisticMix();
    MixStats stats = fixture.verifyDecisions(mix, fixture.warden());
    assertThat(stats.requests()).isEqualTo(DataSet.REALISTIC_MIX_SIZE);
    assertThat(stats.viaRoleGrant()).isGreaterThan(mix.size() / 20);
    assertThat(stats.allowedViaRoleGrant()).isPositive();
    assertThat(stats.walkingRoles()).isGreaterThan(mix.size() / 2);
    long roleGrantDecisions = IntStream.range(0, mix.size())
        .filter(i -> fixture.warden().check(i).equals(Decision.allow(Reason.ROLE_GRANT))).count();
    assertThat(roleGrantDecisions).isEqualTo(stats.allowedViaRoleGrant());
  }

  @Test
  void cacheResidentMix_decidedAsModelSays() {
    List<Request> mix = data.mix();
    MixStats stats = fixture.verifyDecisions(mix, fixture.warden().answering(mix));
    assertThat(stats.requests()).isEqualTo(DataSet.MIX_SIZE);
  }

  @Test
  void preview_nonEmpty_asModelPredicts() {
    assertThat(fixture.expectedPreviewSize()).isPositive();
    assertThat(fixture.verifyPreview()).hasSize(fixture.expectedPreviewSize());
  }

  @Test
  void noRoles_decidesLikeTheDataSetsReference() {
    RolesFixture plain = RolesFixture.load(data, 0, data.realisticMix());
    plain.verifyRoles();
    MixStats stats = plain.verifyDecisions(data.realisticMix(), plain.warden());
    assertThat(stats.viaRoleGrant()).isZero();
    assertThat(stats.walkingRoles()).isZero();
    assertThat(stats.changedByRoles()).isZero();
    assertThat(plain.expectedPreviewSize()).isZero();
  }

  /** The set-up's checks have teeth: the same requests answered by Warden without the roles fail them. */
  @Test
  void verify_failsWhenWardenDecidesOtherwise() {
    List<Request> mix = data.realisticMix();
    WardenSide withoutRoles = WardenSide.load(data, mix);
    assertThatThrownBy(() -> fixture.verifyDecisions(mix, withoutRoles))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("wrongly");
  }

  @Test
  void benchmarkStates_setUpAndRun() {
    RolesBenchmark bench = new RolesBenchmark();
    RolesBenchmark.Checks checks = new RolesBenchmark.Checks();
    checks.size = DataSet.Size.TINY;
    checks.roles = RolesFixture.ROLES_PER_MEMBER;
    checks.mix = DataSet.MixKind.CACHE_RESIDENT;
    checks.setUp();
    for (int i = 0; i < 2 * DataSet.MIX_SIZE; i++) {
      assertThat(bench.check(checks)).isNotNull();
    }
    RolesBenchmark.Preview preview = new RolesBenchmark.Preview();
    preview.size = DataSet.Size.TINY;
    preview.roles = RolesFixture.ROLES_PER_MEMBER;
    preview.setUp();
    assertThat(bench.preview(preview)).hasSize(preview.changes).isNotEmpty();
  }
}

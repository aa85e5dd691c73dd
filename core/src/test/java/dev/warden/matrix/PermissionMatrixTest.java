package dev.warden.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.matrix.Capability.Scope;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.OwnershipRule;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The two presets cell by cell against SPEC §2.1 and §2.2, their ownership rule and new-project
 * visibility, and the builder's validation.
 */
class PermissionMatrixTest {

  /**
   * SPEC §2.1, one row per capability: the Member / Admin / Owner cells of {@code posthog()} then of
   * {@code leastPrivilege()}, 'Y' for ✔ and '-' for ✖, copied from the spec's table (and issue 16's
   * {@code MANAGE_ROLES}).
   */
  private static final Map<Capability, String[]> ORG_TABLE = orgTable(
      row(Capability.VIEW_ORGANIZATION, "YYY", "YYY"),
      row(Capability.INVITE_MEMBERS, "YYY", "-YY"),
      row(Capability.REVOKE_INVITES, "-YY", "-YY"),
      row(Capability.MANAGE_BILLING, "YYY", "--Y"),
      row(Capability.CREATE_PROJECT, "-YY", "-YY"),
      row(Capability.DELETE_PROJECT, "-YY", "--Y"),
      row(Capability.MANAGE_ORG_SETTINGS, "-YY", "-YY"),
      row(Capability.MANAGE_MEMBERS, "-YY", "-YY"),
      row(Capability.REMOVE_MEMBERS, "-YY", "--Y"),
      row(Capability.VIEW_AUDIT_LOG, "-YY", "-YY"),
      row(Capability.LEAVE_ORGANIZATION, "YY-", "YY-"),
      row(Capability.TRANSFER_OWNERSHIP, "--Y", "--Y"),
      row(Capability.DELETE_ORGANIZATION, "--Y", "--Y"),
      // Issue 16: roles are managed by Admins and Owners in both presets.
      row(Capability.MANAGE_ROLES, "-YY", "-YY"));

  /** SPEC §2.2, one row per capability: Viewer / Member / Admin, the same in both presets. */
  private static final Map<Capability, String> PROJECT_TABLE = projectTable(
      Map.entry(Capability.VIEW_DATA, "YYY"),
      Map.entry(Capability.CREATE_CONTENT, "-YY"),
      Map.entry(Capability.USE_FEATURE_FLAGS, "-YY"),
      Map.entry(Capability.MANAGE_FEATURE_FLAGS, "--Y"),
      Map.entry(Capability.DELETE_ANY_DASHBOARD, "--Y"),
      Map.entry(Capability.MANAGE_PROJECT_SETTINGS, "--Y"),
      Map.entry(Capability.MANAGE_PROJECT_ACCESS, "--Y"),
      Map.entry(Capability.MANAGE_DATA_RETENTION, "--Y"),
      Map.entry(Capability.ROTATE_PROJECT_TOKEN, "--Y"),
      Map.entry(Capability.VIEW_PROJECT_AUDIT_LOG, "--Y"));

  private static Object[] row(Capability capability, String posthog, String leastPrivilege) {
    return new Object[] {capability, posthog, leastPrivilege};
  }

  private static Map<Capability, String[]> orgTable(Object[]... rows) {
    Map<Capability, String[]> table = new LinkedHashMap<>();
    for (Object[] r : rows) {
      table.put((Capability) r[0], new String[] {(String) r[1], (String) r[2]});
    }
    return table;
  }

  @SafeVarargs
  private static Map<Capability, String> projectTable(Map.Entry<Capability, String>... rows) {
    Map<Capability, String> table = new LinkedHashMap<>();
    for (Map.Entry<Capability, String> r : rows) {
      table.put(r.getKey(), r.getValue());
    }
    return table;
  }

  static Stream<Arguments> orgCells() {
    Stream.Builder<Arguments> cells = Stream.builder();
    for (Map.Entry<Capability, String[]> e : ORG_TABLE.entrySet()) {
      for (OrgLevel level : OrgLevel.values()) {
        cells.add(Arguments.of("posthog", e.getKey(), level, e.getValue()[0].charAt(level.ordinal()) == 'Y'));
        cells.add(Arguments.of("leastPrivilege", e.getKey(), level, e.getValue()[1].charAt(level.ordinal()) == 'Y'));
      }
    }
    return cells.build();
  }

  static Stream<Arguments> projectCells() {
    Stream.Builder<Arguments> cells = Stream.builder();
    for (Map.Entry<Capability, String> e : PROJECT_TABLE.entrySet()) {
      for (ProjectRole role : ProjectRole.values()) {
        boolean expected = e.getValue().charAt(role.ordinal()) == 'Y';
        cells.add(Arguments.of("posthog", e.getKey(), role, expected));
        cells.add(Arguments.of("leastPrivilege", e.getKey(), role, expected));
      }
    }
    return cells.build();
  }

  private static PermissionMatrix preset(String name) {
    return name.equals("posthog") ? PermissionMatrix.posthog() : PermissionMatrix.leastPrivilege();
  }

  @Test
  void expectedTables_coverEveryCapabilityOfEachScope() {
    Set<Capability> org = new LinkedHashSet<>();
    Set<Capability> project = new LinkedHashSet<>();
    PermissionMatrix.posthog().capabilities().stream().forEach(c -> (c.scope() == Scope.ORGANIZATION ? org : project).add(c));

    assertThat(ORG_TABLE.keySet()).isEqualTo(org);
    assertThat(PROJECT_TABLE.keySet()).isEqualTo(project);
  }

  @ParameterizedTest(name = "{0}: {2} {1} = {3}")
  @MethodSource("orgCells")
  void allows_orgCell_matchesSpecTable(String preset, Capability capability, OrgLevel level, boolean expected) {
    PermissionMatrix matrix = preset(preset);

    assertThat(matrix.allows(level, capability)).isEqualTo(expected);
    assertThat(matrix.capabilities(level).contains(capability)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}: {2} {1} = {3}")
  @MethodSource("projectCells")
  void allows_projectCell_matchesSpecTable(String preset, Capability capability, ProjectRole role, boolean expected) {
    PermissionMatrix matrix = preset(preset);

    assertThat(matrix.allows(role, capability)).isEqualTo(expected);
    assertThat(matrix.capabilities(role).contains(capability)).isEqualTo(expected);
  }

  @ParameterizedTest
  @EnumSource(OrgLevel.class)
  void capabilities_ofLevel_areOrganizationScopedOnly(OrgLevel level) {
    assertThat(PermissionMatrix.posthog().capabilities(level)).allMatch(c -> c.scope() == Scope.ORGANIZATION);
    assertThat(PermissionMatrix.leastPrivilege().capabilities(level)).allMatch(c -> c.scope() == Scope.ORGANIZATION);
  }

  @ParameterizedTest
  @EnumSource(ProjectRole.class)
  void capabilities_ofRole_areProjectScopedOnly(ProjectRole role) {
    assertThat(PermissionMatrix.posthog().capabilities(role)).allMatch(c -> c.scope() == Scope.PROJECT);
    assertThat(PermissionMatrix.leastPrivilege().capabilities(role)).allMatch(c -> c.scope() == Scope.PROJECT);
  }

  @Test
  void posthog_ownershipAndNewProjects_singleAndOpen() {
    assertThat(PermissionMatrix.posthog().ownership()).isEqualTo(OwnershipRule.SINGLE);
    assertThat(PermissionMatrix.posthog().newProjectVisibility()).isEqualTo(Visibility.OPEN);
  }

  @Test
  void leastPrivilege_ownershipAndNewProjects_multipleAndPrivate() {
    assertThat(PermissionMatrix.leastPrivilege().ownership()).isEqualTo(OwnershipRule.MULTIPLE);
    assertThat(PermissionMatrix.leastPrivilege().newProjectVisibility()).isEqualTo(Visibility.PRIVATE);
  }

  @Test
  void presets_calledTwice_sameInstance() {
    assertThat(PermissionMatrix.posthog()).isSameAs(PermissionMatrix.posthog());
    assertThat(PermissionMatrix.leastPrivilege()).isSameAs(PermissionMatrix.leastPrivilege());
    assertThat(PermissionMatrix.posthog()).isNotEqualTo(PermissionMatrix.leastPrivilege());
  }

  @Test
  void capabilities_returnedSet_isUnmodifiable() {
    Set<Capability> caps = PermissionMatrix.posthog().capabilities(OrgLevel.MEMBER);

    assertThatThrownBy(() -> caps.add(Capability.DELETE_ORGANIZATION)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(PermissionMatrix.posthog().allows(OrgLevel.MEMBER, Capability.DELETE_ORGANIZATION)).isFalse();
  }

  // ------------------------------------------------------------------------------ wrong scope

  @ParameterizedTest
  @ValueSource(strings = {"VIEW_DATA", "MANAGE_PROJECT_ACCESS", "ROTATE_PROJECT_TOKEN"})
  void allows_levelWithProjectCapability_illegalArgument(String name) {
    Capability capability = PermissionMatrix.posthog().capability(name).orElseThrow();
    assertThatThrownBy(() -> PermissionMatrix.posthog().allows(OrgLevel.OWNER, capability))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(capability.name())
        .hasMessageContaining("organization-scoped");
  }

  @ParameterizedTest
  @ValueSource(strings = {"VIEW_ORGANIZATION", "INVITE_MEMBERS", "DELETE_ORGANIZATION"})
  void allows_roleWithOrgCapability_illegalArgument(String name) {
    Capability capability = PermissionMatrix.posthog().capability(name).orElseThrow();
    assertThatThrownBy(() -> PermissionMatrix.posthog().allows(ProjectRole.ADMIN, capability))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(capability.name())
        .hasMessageContaining("project-scoped");
  }

  @Test
  void builderGrant_levelWithProjectCapability_illegalArgument() {
    assertThatThrownBy(() -> PermissionMatrix.builder().grant(OrgLevel.MEMBER, Capability.VIEW_DATA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("VIEW_DATA");
  }

  @Test
  void builderGrant_roleWithOrgCapability_illegalArgument() {
    assertThatThrownBy(() -> PermissionMatrix.builder().grant(ProjectRole.VIEWER, Capability.CREATE_PROJECT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CREATE_PROJECT");
  }

  @Test
  void builderRevoke_wrongScope_illegalArgument() {
    assertThatThrownBy(() -> PermissionMatrix.posthog().toBuilder().revoke(OrgLevel.ADMIN, Capability.VIEW_DATA))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PermissionMatrix.posthog().toBuilder().revoke(ProjectRole.ADMIN, Capability.MANAGE_BILLING))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void allows_nullCapability_nullPointer() {
    assertThatThrownBy(() -> PermissionMatrix.posthog().allows(OrgLevel.MEMBER, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("capability");
  }

  // ------------------------------------------------------------------------------ builder

  @Test
  void toBuilder_unchanged_buildsEqualMatrix() {
    assertThat(PermissionMatrix.posthog().toBuilder().build()).isEqualTo(PermissionMatrix.posthog());
    assertThat(PermissionMatrix.leastPrivilege().toBuilder().build()).isEqualTo(PermissionMatrix.leastPrivilege());
  }

  @Test
  void toBuilder_customCell_changesOnlyThatCellAndLeavesPresetIntact() {
    PermissionMatrix custom = PermissionMatrix.posthog().toBuilder()
        .revoke(OrgLevel.MEMBER, Capability.MANAGE_BILLING)
        .build();

    assertThat(custom.allows(OrgLevel.MEMBER, Capability.MANAGE_BILLING)).isFalse();
    assertThat(custom.allows(OrgLevel.MEMBER, Capability.INVITE_MEMBERS)).isTrue();
    assertThat(PermissionMatrix.posthog().allows(OrgLevel.MEMBER, Capability.MANAGE_BILLING)).isTrue();
  }

  @Test
  void toBuilder_ownershipAndVisibility_areCarriedAndChangeable() {
    PermissionMatrix custom = PermissionMatrix.posthog().toBuilder()
        .ownership(OwnershipRule.MULTIPLE)
        .newProjectVisibility(Visibility.PRIVATE)
        .build();

    assertThat(custom.ownership()).isEqualTo(OwnershipRule.MULTIPLE);
    assertThat(custom.newProjectVisibility()).isEqualTo(Visibility.PRIVATE);
    assertThat(custom.capabilities(OrgLevel.MEMBER)).isEqualTo(PermissionMatrix.posthog().capabilities(OrgLevel.MEMBER));
  }

  @Test
  void build_ownerLacksAdminCapability_illegalArgumentNamingIt() {
    PermissionMatrix.Builder b = PermissionMatrix.posthog().toBuilder().revoke(OrgLevel.OWNER, Capability.MANAGE_MEMBERS);

    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("OWNER")
        .hasMessageContaining("MANAGE_MEMBERS");
  }

  @Test
  void build_adminLacksMemberCapability_illegalArgumentNamingIt() {
    PermissionMatrix.Builder b = PermissionMatrix.posthog().toBuilder().revoke(OrgLevel.ADMIN, Capability.MANAGE_BILLING);

    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ADMIN")
        .hasMessageContaining("MANAGE_BILLING");
  }

  @Test
  void build_ownerHoldsLeaveOrganization_illegalArgument() {
    PermissionMatrix.Builder b = PermissionMatrix.posthog().toBuilder().grant(OrgLevel.OWNER, Capability.LEAVE_ORGANIZATION);

    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("LEAVE_ORGANIZATION");
  }

  @Test
  void build_adminWithoutLeaveWhileMemberHasIt_allowed() {
    // LEAVE_ORGANIZATION is the one capability a higher level need not inherit.
    PermissionMatrix m = PermissionMatrix.posthog().toBuilder().revoke(OrgLevel.ADMIN, Capability.LEAVE_ORGANIZATION).build();

    assertThat(m.allows(OrgLevel.ADMIN, Capability.LEAVE_ORGANIZATION)).isFalse();
  }

  @Test
  void build_levelWithoutViewOrganization_illegalArgument() {
    PermissionMatrix.Builder b = PermissionMatrix.posthog().toBuilder().revoke(OrgLevel.MEMBER, Capability.VIEW_ORGANIZATION);

    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MEMBER")
        .hasMessageContaining("VIEW_ORGANIZATION");
  }

  @Test
  void build_higherRoleLacksLowerRoleCapability_illegalArgument() {
    PermissionMatrix.Builder b = PermissionMatrix.posthog().toBuilder().grant(ProjectRole.VIEWER, Capability.CREATE_CONTENT)
        .revoke(ProjectRole.MEMBER, Capability.CREATE_CONTENT);

    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MEMBER")
        .hasMessageContaining("CREATE_CONTENT");
  }

  @Test
  void build_projectAdminLacksCapability_illegalArgument() {
    PermissionMatrix.Builder b = PermissionMatrix.posthog().toBuilder().revoke(ProjectRole.ADMIN, Capability.ROTATE_PROJECT_TOKEN);

    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ROTATE_PROJECT_TOKEN");
  }

  @Test
  void build_roleWithoutViewData_illegalArgument() {
    PermissionMatrix.Builder b = PermissionMatrix.posthog().toBuilder().revoke(ProjectRole.VIEWER, Capability.VIEW_DATA);

    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("VIEWER")
        .hasMessageContaining("VIEW_DATA");
  }

  @Test
  void build_emptyBuilder_illegalArgumentListingEveryProblem() {
    assertThatThrownBy(() -> PermissionMatrix.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("permission matrix is inconsistent")
        .hasMessageContaining("MEMBER must hold VIEW_ORGANIZATION")
        .hasMessageContaining("OWNER must hold every organization capability")
        .hasMessageContaining("project ADMIN must hold every project capability");
  }

  @Test
  void build_widenedButConsistent_accepted() {
    // A host may let project Members manage access; the matrix stays consistent.
    PermissionMatrix m = PermissionMatrix.posthog().toBuilder().grant(ProjectRole.MEMBER, Capability.MANAGE_PROJECT_ACCESS).build();

    assertThat(m.allows(ProjectRole.MEMBER, Capability.MANAGE_PROJECT_ACCESS)).isTrue();
    assertThat(m.allows(ProjectRole.VIEWER, Capability.MANAGE_PROJECT_ACCESS)).isFalse();
  }

  @Test
  void builderSetters_null_nullPointer() {
    assertThatThrownBy(() -> PermissionMatrix.builder().ownership(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> PermissionMatrix.builder().newProjectVisibility(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> PermissionMatrix.builder().grant((OrgLevel) null, Capability.VIEW_ORGANIZATION))
        .isInstanceOf(NullPointerException.class);
  }
}

package dev.warden.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.Principal;
import dev.warden.matrix.Capability;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgLevel;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.Visibility;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The shape generator loads what it promises, and its free private projects really are free. */
class OrgShapeTest {

  @ParameterizedTest
  @CsvSource({"100, 10", "300, 1000", "1000, 40"})
  void load_holdsThePromisedMembersProjectsAndGrants(int members, int projects) {
    OrgShape shape = new OrgShape(members, projects);
    try (AccessPolicy policy = shape.load()) {
      Principal owner = Principal.user(shape.owner());
      List<Membership> list = policy.members().list(owner, OrgShape.ORG);
      assertThat(list).hasSize(members);
      assertThat(list.stream().filter(m -> m.level() == OrgLevel.ADMIN)).hasSize(shape.admins());
      List<ProjectId> ids = policy.visibleProjects(owner, OrgShape.ORG).stream().map(v -> v.project().id()).toList();
      assertThat(ids).hasSize(projects);
      long grants = ids.stream().mapToLong(p -> policy.grants().list(owner, p).size()).sum();
      assertThat(grants).isEqualTo(shape.grants());
      assertThat(policy.visibleProjects(owner, OrgShape.ORG).stream()
          .filter(v -> v.project().visibility() == Visibility.PRIVATE)).hasSize(projects / 2);
    }
  }

  @Test
  void freePrivateProject_isPrivateAndHiddenFromItsMember() {
    OrgShape shape = new OrgShape(100, 10); // five grants per Member: half the projects
    try (AccessPolicy policy = shape.load()) {
      Principal owner = Principal.user(shape.owner());
      for (int i : shape.spreadMembers(MutationBenchmark.TARGETS)) {
        ProjectId free = shape.freePrivateProject(i);
        assertThat(policy.grants().list(owner, free)).extracting(ProjectGrant::user).doesNotContain(shape.user(i));
        Decision d = policy.check(Principal.user(shape.user(i)), Capability.VIEW_DATA, free);
        assertThat(d.outcome()).isEqualTo(Decision.Outcome.NOT_FOUND);
      }
    }
  }

  @Test
  void spreadMembers_areDistinctMembersOverTheWholeOrganization() {
    OrgShape shape = new OrgShape(100_000, 10);
    int[] chosen = shape.spreadMembers(64);
    assertThat(Arrays.stream(chosen).distinct()).hasSize(64);
    assertThat(Arrays.stream(chosen).mapToObj(shape::level)).containsOnly(OrgLevel.MEMBER);
    assertThat(chosen[63]).isGreaterThan(95_000);
    assertThatThrownBy(() -> new OrgShape(10, 10).spreadMembers(64)).isInstanceOf(IllegalArgumentException.class);
  }
}

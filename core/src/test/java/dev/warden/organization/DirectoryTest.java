package dev.warden.organization;

import static dev.warden.testing.OrgFixtures.join;
import static dev.warden.testing.OrgFixtures.project;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.NotFoundException;
import dev.warden.PageRequest;
import dev.warden.Principal;
import dev.warden.audit.Actor;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditQuery;
import dev.warden.audit.Change;
import dev.warden.matrix.Capability;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.project.VisibleProject;
import dev.warden.testing.FakeClock;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The host's own reads (issue 12, "a host's own reads"): {@code directory()} sees every member, level,
 * project and grant of an organization, private projects included, records each read with its reason,
 * and changes nothing for user principals, who still see hidden projects as missing.
 */
class DirectoryTest {
  private final FakeClock clock = FakeClock.create();
  private final Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com");
  private final Principal bob = Principal.user(UserId.of("bob"), "bob@acme.com");
  private final Principal carol = Principal.user(UserId.of("carol"), "carol@acme.com");

  private AccessPolicy policy;
  private OrgId org;
  private ProjectId defaultProject;
  private ProjectId secret;

  @BeforeEach
  void setUp() {
    policy = AccessPolicy.builder().clock(clock).build();
    org = policy.organizations().create(alice, "Acme Corp").id();
    defaultProject = policy.visibleProjects(alice, org).get(0).project().id();
    join(policy, alice, org, carol, OrgLevel.MEMBER);
    join(policy, alice, org, bob, OrgLevel.ADMIN);
    secret = project(policy, alice, org, "Secret", Visibility.PRIVATE).id();
    policy.grants().grant(alice, secret, carol.userId(), ProjectRole.VIEWER);
  }

  private List<AuditEntry> directoryReads() {
    return policy.audit().query(alice, AuditQuery.organization(org).action("directory.read"), PageRequest.first(100))
        .items();
  }

  @Test
  void directory_readsMembersLevelsProjectsAndGrants_privateProjectsIncluded() {
    assertThat(policy.directory().organization(org, "support ticket 42").name()).isEqualTo("Acme Corp");
    assertThat(policy.directory().members(org, "support ticket 42"))
        .extracting(Membership::user, Membership::level)
        .containsExactly(tuple(alice.userId(), OrgLevel.OWNER), tuple(bob.userId(), OrgLevel.ADMIN),
            tuple(carol.userId(), OrgLevel.MEMBER));
    assertThat(policy.directory().projects(org, "support ticket 42")).extracting(Project::id)
        .containsExactly(defaultProject, secret);
    assertThat(policy.directory().grants(org, "support ticket 42"))
        .extracting(ProjectGrant::project, ProjectGrant::user, ProjectGrant::role)
        .containsExactly(tuple(secret, carol.userId(), ProjectRole.VIEWER));
  }

  @Test
  void directory_eachReadIsAuditedWithItsReason_asTheSystem() {
    policy.directory().projects(org, "provisioning job nightly-sync");
    policy.directory().members(org, "support ticket 42");

    assertThat(directoryReads()).extracting(AuditEntry::target, AuditEntry::actor, AuditEntry::changes).containsExactly(
        tuple(java.util.Optional.of("members"), Actor.SYSTEM, List.of(Change.of("reason", null, "support ticket 42"))),
        tuple(java.util.Optional.of("projects"), Actor.SYSTEM,
            List.of(Change.of("reason", null, "provisioning job nightly-sync"))));
  }

  @Test
  void directory_userPrincipalsStillSeeHiddenProjectsAsMissing() {
    policy.directory().projects(org, "support ticket 42");

    assertThat(policy.visibleProjects(carol, org)).extracting(v -> v.project().id()).containsExactly(defaultProject, secret);
    Principal dave = Principal.user(UserId.of("dave"), "dave@acme.com");
    join(policy, alice, org, dave, OrgLevel.MEMBER);
    assertThat(policy.check(dave, Capability.VIEW_DATA, secret)).isSameAs(Decision.notFound());
    assertThat(policy.visibleProjects(dave, org)).extracting(VisibleProject::project).extracting(Project::id)
        .containsExactly(defaultProject);
  }

  @Test
  void directory_blankReasonOrUnknownOrganization_refused_nothingRecorded() {
    for (String reason : List.of("", "   ", "x".repeat(201))) {
      assertThatThrownBy(() -> policy.directory().members(org, reason)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("reason");
    }
    assertThatThrownBy(() -> policy.directory().members(OrgId.of("org_missing"), "support"))
        .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(() -> policy.directory().members(org, null)).isInstanceOf(NullPointerException.class);
    assertThat(directoryReads()).isEmpty();
  }
}

package dev.warden.report;

import static dev.warden.testing.WardenAssertions.assertRefused;
import static dev.warden.testing.WardenAssertions.thrown;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.warden.AccessPolicy;
import dev.warden.ErrorCode;
import dev.warden.NotFoundException;
import dev.warden.Page;
import dev.warden.PageRequest;
import dev.warden.PermissionDeniedException;
import dev.warden.Principal;
import dev.warden.matrix.Capability;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.resource.ResourceRef;
import dev.warden.testing.FakeClock;
import dev.warden.testing.OrgFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: the paginated, authorized {@code whoCan}. Who may ask (NOT_FOUND for a target hidden from
 * the actor, like a missing one; PERMISSION_DENIED for a visible one without the capability), pages in
 * user-id order with a cursor, and the programming errors.
 */
class WhoCanPagesTest {
  private final FakeClock clock = FakeClock.create();
  private AccessPolicy policy;
  private OrgId org;
  private final Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com"); // Owner
  private final Principal bob = Principal.user(UserId.of("bob"), "bob@acme.com"); // Admin
  private final Principal carol = Principal.user(UserId.of("carol"), "carol@acme.com"); // Member grant on secret
  private final Principal dave = Principal.user(UserId.of("dave"), "dave@acme.com"); // Member, no grant
  private final Principal erin = Principal.user(UserId.of("erin"), "erin@acme.com"); // Admin grant on open
  private final Principal zed = Principal.user(UserId.of("zed"), "zed@other.com"); // not a member
  private ProjectId open;
  private ProjectId secret;
  private ResourceRef insight;

  @BeforeEach
  void setUp() {
    policy = AccessPolicy.builder().clock(clock).build();
    org = policy.organizations().create(alice, "Acme").id();
    open = OrgFixtures.project(policy, alice, org, "Open", Visibility.OPEN).id();
    secret = OrgFixtures.project(policy, alice, org, "Secret", Visibility.PRIVATE).id();
    OrgFixtures.join(policy, alice, org, bob, OrgLevel.ADMIN);
    for (Principal p : List.of(carol, dave, erin)) {
      OrgFixtures.join(policy, alice, org, p, OrgLevel.MEMBER);
    }
    policy.grants().grant(alice, secret, carol.userId(), ProjectRole.MEMBER);
    policy.grants().grant(alice, open, erin.userId(), ProjectRole.ADMIN);
    insight = ResourceRef.of(secret, "insight", "i1");
    policy.resources().register(carol, insight);
  }

  private static List<UserId> users(Page<AccessHolder> page) {
    return page.items().stream().map(AccessHolder::user).toList();
  }

  // ============================================================================ who may ask

  @Test
  void project_managersOfItsAccess_mayAsk() {
    PageRequest first = PageRequest.first(10);
    List<UserId> everyone = List.of(alice.userId(), bob.userId(), carol.userId(), dave.userId(), erin.userId());

    assertThat(users(policy.whoCan(alice, Capability.VIEW_DATA, open, first))).isEqualTo(everyone);
    assertThat(users(policy.whoCan(bob, Capability.VIEW_DATA, secret, first)))
        .containsExactly(alice.userId(), bob.userId(), carol.userId());
    assertThat(users(policy.whoCan(erin, Capability.MANAGE_PROJECT_ACCESS, open, first)))
        .containsExactly(alice.userId(), bob.userId(), erin.userId());
  }

  @Test
  void project_visibleWithoutManageProjectAccess_permissionDenied() {
    assertRefused(() -> policy.whoCan(dave, Capability.VIEW_DATA, open, PageRequest.first(10)),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertRefused(() -> policy.whoCan(carol, Capability.VIEW_DATA, secret, PageRequest.first(10)),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
  }

  @Test
  void project_hiddenFromTheActor_notFoundLikeAMissingOne() {
    Throwable hidden = thrown(() -> policy.whoCan(dave, Capability.VIEW_DATA, secret, PageRequest.first(10)));
    Throwable missing = thrown(() -> policy.whoCan(dave, Capability.VIEW_DATA, ProjectId.of("nope"), PageRequest.first(10)));
    Throwable outsider = thrown(() -> policy.whoCan(zed, Capability.VIEW_DATA, open, PageRequest.first(10)));

    for (Throwable t : List.of(hidden, missing, outsider)) {
      assertThat(t).isInstanceOf(NotFoundException.class).hasMessage(missing.getMessage());
    }
  }

  @Test
  void organization_anyMemberWhoMayListMembers_mayAsk() {
    assertThat(users(policy.whoCan(dave, Capability.CREATE_PROJECT, org, PageRequest.first(10))))
        .containsExactly(alice.userId(), bob.userId());
    assertRefused(() -> policy.whoCan(zed, Capability.CREATE_PROJECT, org, PageRequest.first(10)),
        NotFoundException.class, ErrorCode.NOT_FOUND);
    assertRefused(() -> policy.whoCan(dave, Capability.CREATE_PROJECT, OrgId.of("nope"), PageRequest.first(10)),
        NotFoundException.class, ErrorCode.NOT_FOUND);
  }

  @Test
  void organization_gateRefusesTheActor_permissionDenied() {
    policy.organizations().updateSettings(alice.withMfa(true), org, s -> s.withRequire2fa(true));

    assertThatThrownBy(() -> policy.whoCan(dave, Capability.CREATE_PROJECT, org, PageRequest.first(10)))
        .isInstanceOf(PermissionDeniedException.class);
    assertThat(policy.whoCan(dave.withMfa(true), Capability.CREATE_PROJECT, org, PageRequest.first(10)).items())
        .hasSize(2);
  }

  @Test
  void resource_projectAdminsWhoSeeIt_mayAsk_creatorWithoutTheRoleMayNot() {
    assertThat(users(policy.whoCan(bob, Capability.CREATE_CONTENT, insight, PageRequest.first(10))))
        .containsExactly(alice.userId(), bob.userId(), carol.userId());
    assertRefused(() -> policy.whoCan(carol, Capability.VIEW_DATA, insight, PageRequest.first(10)),
        PermissionDeniedException.class, ErrorCode.PERMISSION_DENIED);
    assertRefused(() -> policy.whoCan(dave, Capability.VIEW_DATA, insight, PageRequest.first(10)),
        NotFoundException.class, ErrorCode.NOT_FOUND);
    assertRefused(() -> policy.whoCan(bob, Capability.VIEW_DATA, ResourceRef.of(secret, "insight", "nope"),
        PageRequest.first(10)), NotFoundException.class, ErrorCode.NOT_FOUND);
  }

  // ================================================================================= paging

  @Test
  void pages_inUserIdOrder_withACursorUntilTheLast() {
    List<UserId> paged = new ArrayList<>();
    Page<AccessHolder> page = policy.whoCan(alice, Capability.VIEW_DATA, open, PageRequest.first(2));
    paged.addAll(users(page));
    assertThat(page.nextCursor()).contains(bob.userId().value());
    while (page.nextCursor().isPresent()) {
      page = policy.whoCan(alice, Capability.VIEW_DATA, open, PageRequest.after(page.nextCursor().get(), 2));
      assertThat(page.items()).isNotEmpty();
      paged.addAll(users(page));
    }

    assertThat(paged).isEqualTo(policy.whoCan(Capability.VIEW_DATA, open).stream().map(AccessHolder::user).toList());
  }

  @Test
  void page_exactlyFull_hasNoNextCursor() {
    Page<AccessHolder> page = policy.whoCan(alice, Capability.VIEW_DATA, secret, PageRequest.first(3));

    assertThat(users(page)).containsExactly(alice.userId(), bob.userId(), carol.userId());
    assertThat(page.nextCursor()).isEmpty();
  }

  /** A private project's page merges the Admins and Owners with the grantees, an Admin's own grant once. */
  @Test
  void privateProject_adminWithAGrant_listedOnce() {
    policy.grants().grant(alice, secret, bob.userId(), ProjectRole.VIEWER);

    assertThat(users(policy.whoCan(alice, Capability.VIEW_DATA, secret, PageRequest.first(10))))
        .containsExactly(alice.userId(), bob.userId(), carol.userId());
    assertThat(policy.whoCan(Capability.VIEW_DATA, secret)).extracting(AccessHolder::user)
        .containsExactly(alice.userId(), bob.userId(), carol.userId());
  }

  @Test
  void cursorUserLeftBetweenPages_nextPageContinuesAfterThem() {
    Page<AccessHolder> first = policy.whoCan(alice, Capability.VIEW_DATA, open, PageRequest.first(3));
    assertThat(first.nextCursor()).contains(carol.userId().value());

    policy.members().remove(alice, org, carol.userId());
    Page<AccessHolder> second = policy.whoCan(alice, Capability.VIEW_DATA, open,
        PageRequest.after(first.nextCursor().get(), 3));

    assertThat(users(second)).containsExactly(dave.userId(), erin.userId());
    assertThat(second.nextCursor()).isEmpty();
  }

  @Test
  void expiredMember_notListed_evenBeforeTheSweep() {
    policy.members().setExpiry(alice, org, dave.userId(), clock.instant().plusSeconds(60));
    clock.advance(java.time.Duration.ofMinutes(1));

    assertThat(users(policy.whoCan(alice, Capability.VIEW_DATA, open, PageRequest.first(10))))
        .doesNotContain(dave.userId()).contains(erin.userId());
    assertThat(users(policy.whoCan(alice, Capability.VIEW_ORGANIZATION, org, PageRequest.first(10))))
        .doesNotContain(dave.userId());
  }

  // ====================================================================== programming errors

  @Test
  void badArguments_illegalArgumentOrNullPointer() {
    assertThatThrownBy(() -> policy.whoCan(alice, Capability.VIEW_DATA, open, PageRequest.after("\u0001", 2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cursor is malformed");
    assertThatThrownBy(() -> policy.whoCan(alice, Capability.CREATE_PROJECT, open, PageRequest.first(2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("organization-scoped");
    assertThatThrownBy(() -> policy.whoCan(alice, Capability.VIEW_DATA, org, PageRequest.first(2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("project-scoped");
    assertThatThrownBy(() -> policy.whoCan(null, Capability.VIEW_DATA, open, PageRequest.first(2)))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("actor");
    assertThatThrownBy(() -> policy.whoCan(alice, Capability.VIEW_DATA, (ResourceRef) null, PageRequest.first(2)))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("resource");
    assertThatThrownBy(() -> policy.whoCan(alice, Capability.VIEW_DATA, open, null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("page");
  }

  /** A visibleProjects cursor names an instant to the microsecond, as Warden makes them. */
  @Test
  void visibleProjects_cursorFinerThanAMicrosecond_malformed() {
    Project first = policy.visibleProjects(alice, org).get(0).project();
    String cursor = first.createdAt().plusNanos(1) + "|" + first.id().value();

    assertThatThrownBy(() -> policy.visibleProjects(alice, org, PageRequest.after(cursor, 2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cursor is malformed");
    assertThat(policy.visibleProjects(alice, org, PageRequest.after(first.createdAt() + "|" + first.id().value(), 10))
        .items()).extracting(v -> v.project().id()).containsExactly(open, secret);
  }

  @Test
  void hostVariant_stillUnauthorized_andEqualToThePages() {
    assertThat(policy.whoCan(Capability.VIEW_DATA, insight)).extracting(AccessHolder::user, AccessHolder::role)
        .containsExactly(
            tuple(alice.userId(), Optional.of(ProjectRole.ADMIN)),
            tuple(bob.userId(), Optional.of(ProjectRole.ADMIN)),
            tuple(carol.userId(), Optional.of(ProjectRole.MEMBER)));
    assertThat(policy.whoCan(alice, Capability.VIEW_DATA, insight, PageRequest.first(10)).items())
        .isEqualTo(policy.whoCan(Capability.VIEW_DATA, insight));
  }
}

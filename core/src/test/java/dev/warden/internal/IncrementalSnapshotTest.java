package dev.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.Principal;
import dev.warden.internal.OrgState.ProjectState;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.Membership;
import dev.warden.organization.OffboardingReport;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.report.SweepReport;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.ResourceRef;
import dev.warden.spi.GrantRepository;
import dev.warden.spi.Store;
import dev.warden.spi.Transaction;
import dev.warden.testing.FakeClock;
import dev.warden.spi.ForwardingTransaction;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * SPEC §14 (cheap mutations): a mutation replays its writes on the previous snapshot instead of
 * reloading the organization. Each case checks the published snapshot against a full load, entry by
 * entry and in order, whether or not {@code warden.verifySnapshots} is on, in the mutations whose
 * writes cascade or undo each other within one transaction.
 */
class IncrementalSnapshotTest {
  private static final Duration HOUR = Duration.ofHours(1);

  private final FakeClock clock = FakeClock.create();

  private final Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com");
  private final Principal bob = Principal.user(UserId.of("bob"), "bob@acme.com");
  private final Principal carol = Principal.user(UserId.of("carol"), "carol@acme.com");
  private final Principal dave = Principal.user(UserId.of("dave"), "dave@acme.com");

  /** The services of one engine over one store, wired by {@link Wiring} as {@code AccessPolicy} is. */
  private final class Warden {
    final Store store;
    final Engine engine;
    final OrganizationService organizations;
    final MemberService members;
    final InviteService invites;
    final ProjectService projects;
    final GrantService grants;
    final ResourceService resources;
    final ExpirySweep sweep;

    Warden(Store store) {
      Wiring w = Wiring.of(store, PermissionMatrix.posthog(), clock);
      this.store = store;
      this.engine = w.engine();
      this.organizations = w.organizations();
      this.members = w.members();
      this.invites = w.invites();
      this.projects = w.projects();
      this.grants = w.grants();
      this.resources = w.resources();
      this.sweep = w.sweep();
    }

    /** alice (Owner), bob (Admin), carol and dave (Members). */
    OrgId acme() {
      OrgId org = organizations.create(alice, "Acme Corp").id();
      join(org, bob, OrgLevel.ADMIN);
      join(org, carol, OrgLevel.MEMBER);
      join(org, dave, OrgLevel.MEMBER);
      return org;
    }

    Membership join(OrgId org, Principal who, OrgLevel level) {
      String email = who.email().orElseThrow().value();
      IssuedInvite invite = invites.create(alice, org, InviteRequest.to(email).level(level));
      return invites.accept(invite.token(), who, email);
    }

    /** The published snapshot, after checking that it equals a full load, in order. */
    OrgState published(OrgId org) {
      OrgState published = engine.cache().get(org);
      OrgState loaded = store.inTransaction(tx -> {
        assertThat(tx.organizations().revision(org)).hasValue(published.revision());
        return OrgState.load(tx, org, published.revision()).orElseThrow();
      });
      assertThat(published.differenceFrom(loaded)).isEmpty();
      return published;
    }
  }

  private final Warden warden = new Warden(InMemoryStore.create());

  @Test
  void grantAndRevoke_replayed_shareEverythingElse() {
    OrgId org = warden.acme();
    Project web = warden.projects.create(alice, org, "Web");
    Project app = warden.projects.create(alice, org, "App");
    warden.grants.grant(alice, app.id(), carol.userId(), ProjectRole.ADMIN);
    OrgState before = warden.published(org);

    warden.grants.grant(alice, web.id(), dave.userId(), ProjectRole.VIEWER);
    warden.grants.grant(alice, web.id(), bob.userId(), ProjectRole.MEMBER);
    OrgState granted = warden.published(org);

    assertThat(granted.revision()).isEqualTo(before.revision() + 2);
    assertThat(granted.projects().get(web.id()).grants().keySet()).containsExactly(bob.userId(), dave.userId());
    assertThat(granted.members()).isSameAs(before.members());
    assertThat(granted.resources()).isSameAs(before.resources());
    assertThat(granted.projects().get(app.id())).isSameAs(before.projects().get(app.id()));

    warden.grants.revoke(alice, web.id(), dave.userId());
    assertThat(warden.published(org).projects().get(web.id()).grants().keySet()).containsExactly(bob.userId());
  }

  @Test
  void shares_replayed_likeAFullLoad_andRemovalTakesThem() {
    OrgId org = warden.acme();
    Project web = warden.projects.create(alice, org, "Web");
    ResourceRef board = ResourceRef.dashboard(web.id(), "board");
    warden.resources.register(alice, board);
    warden.resources.setMemberRule(alice, board, dave.userId(), AccessLevel.VIEWER);

    warden.resources.share(alice, board, carol.userId(), AccessLevel.EDITOR);
    warden.resources.share(alice, board, dave.userId(), AccessLevel.VIEWER);
    OrgState shared = warden.published(org);
    assertThat(shared.resources().get(board).shares().size()).isEqualTo(2);
    assertThat(shared.resources().get(board).memberRules().get(carol.userId())).isEqualTo(AccessLevel.EDITOR);

    // A plain rule replaces a share; unsharing and removal end the others.
    warden.resources.setMemberRule(alice, board, dave.userId(), AccessLevel.MANAGER);
    warden.resources.unshare(alice, board, carol.userId());
    warden.resources.share(alice, board, bob.userId(), AccessLevel.VIEWER);
    warden.members.remove(alice, org, bob.userId());
    OrgState after = warden.published(org);
    assertThat(after.resources().get(board).shares().isEmpty()).isTrue();
    assertThat(after.resources().get(board).memberRules().keySet()).containsExactly(dave.userId());
  }

  @Test
  void accept_overExpiredMembership_dropsOldGrantsAndRulesThenUpsertsNewGrants() {
    OrgId org = warden.acme();
    Project web = warden.projects.create(alice, org, "Web");
    Project app = warden.projects.create(alice, org, "App");
    warden.grants.grant(alice, web.id(), carol.userId(), ProjectRole.ADMIN);
    warden.grants.grant(alice, app.id(), carol.userId(), ProjectRole.ADMIN);
    ResourceRef board = ResourceRef.dashboard(web.id(), "board");
    warden.resources.register(alice, board);
    warden.resources.setMemberRule(alice, board, carol.userId(), AccessLevel.EDITOR);
    warden.members.setExpiry(alice, org, carol.userId(), clock.instant().plus(HOUR));
    clock.advance(HOUR);
    IssuedInvite invite = warden.invites.create(alice, org,
        InviteRequest.to("carol@acme.com").grant(app.id(), ProjectRole.VIEWER));

    // One transaction: deleteByMember, deleteRulesByMember, delete, insert, then upsert on app again.
    warden.invites.accept(invite.token(), carol, "carol@acme.com");

    OrgState after = warden.published(org);
    assertThat(after.members().get(carol.userId()).expiresAt()).isEmpty();
    assertThat(after.memberByEmail(EmailAddress.of("carol@acme.com"))).isEqualTo(after.members().get(carol.userId()));
    assertThat(after.projects().get(web.id()).grants()).doesNotContainKey(carol.userId());
    assertThat(after.projects().get(app.id()).grants().get(carol.userId()).role()).isEqualTo(ProjectRole.VIEWER);
    assertThat(after.resources().get(board).memberRules()).isEmpty();
  }

  @Test
  void deleteProject_takesItsGrantsKindRulesResourcesAndTheirRules() {
    OrgId org = warden.acme();
    Project web = warden.projects.create(alice, org, "Web");
    Project app = warden.projects.create(alice, org, "App");
    warden.grants.grant(alice, web.id(), bob.userId(), ProjectRole.MEMBER);
    warden.grants.grant(alice, web.id(), carol.userId(), ProjectRole.VIEWER);
    warden.grants.grant(alice, app.id(), carol.userId(), ProjectRole.VIEWER);
    warden.resources.setKindRule(alice, web.id(), "insight", AccessLevel.VIEWER);
    ResourceRef webBoard = ResourceRef.dashboard(web.id(), "board");
    ResourceRef appBoard = ResourceRef.dashboard(app.id(), "board");
    warden.resources.register(alice, webBoard);
    warden.resources.register(alice, appBoard);
    warden.resources.setEveryoneRule(alice, webBoard, AccessLevel.VIEWER);
    warden.resources.setMemberRule(alice, webBoard, carol.userId(), AccessLevel.EDITOR);
    warden.resources.setMemberRule(alice, appBoard, carol.userId(), AccessLevel.EDITOR);
    OrgState before = warden.published(org);

    warden.projects.delete(alice, web.id());

    OrgState after = warden.published(org);
    assertThat(after.projects()).doesNotContainKey(web.id()).containsKey(app.id());
    assertThat(after.resources().keySet()).containsExactly(appBoard);
    assertThat(after.projects().get(app.id())).isSameAs(before.projects().get(app.id()));
    assertThat(after.resources().get(appBoard)).isSameAs(before.resources().get(appBoard));
    assertThat(after.members()).isSameAs(before.members());
  }

  @Test
  void renameProjectAndOrganization_keepGrantsAndRules() {
    OrgId org = warden.acme();
    Project web = warden.projects.create(alice, org, "Web");
    warden.grants.grant(alice, web.id(), carol.userId(), ProjectRole.VIEWER);
    warden.resources.setKindRule(alice, web.id(), "insight", AccessLevel.EDITOR);
    OrgState before = warden.published(org);

    warden.projects.rename(alice, web.id(), "Website");
    warden.organizations.rename(alice, org, "Acme Inc");

    OrgState after = warden.published(org);
    assertThat(after.organization().name()).isEqualTo("Acme Inc");
    ProjectState renamed = after.projects().get(web.id());
    assertThat(renamed.project().name()).isEqualTo("Website");
    assertThat(renamed.grants()).isSameAs(before.projects().get(web.id()).grants());
    assertThat(renamed.kindRules()).isSameAs(before.projects().get(web.id()).kindRules());
  }

  @Test
  void removeMember_takesTheirGrantsAndResourceRules() {
    OrgId org = warden.acme();
    Project web = warden.projects.create(alice, org, "Web");
    Project app = warden.projects.create(alice, org, "App");
    warden.grants.grant(alice, web.id(), carol.userId(), ProjectRole.MEMBER);
    warden.grants.grant(alice, app.id(), carol.userId(), ProjectRole.MEMBER);
    warden.grants.grant(alice, app.id(), dave.userId(), ProjectRole.MEMBER);
    ResourceRef board = ResourceRef.dashboard(app.id(), "board");
    warden.resources.register(alice, board);
    warden.resources.setMemberRule(alice, board, carol.userId(), AccessLevel.MANAGER);
    warden.resources.setMemberRule(alice, board, dave.userId(), AccessLevel.VIEWER);

    warden.members.remove(alice, org, carol.userId());

    OrgState after = warden.published(org);
    assertThat(after.members()).doesNotContainKey(carol.userId());
    assertThat(after.memberByEmail(EmailAddress.of("carol@acme.com"))).isNull();
    assertThat(after.projects().get(web.id()).grants()).isEmpty();
    assertThat(after.projects().get(app.id()).grants().keySet()).containsExactly(dave.userId());
    assertThat(after.resources().get(board).memberRules().keySet()).containsExactly(dave.userId());
  }

  @Test
  void offboard_transfersResourcesAndDropsGrantsAndRules() {
    OrgId org = warden.acme();
    Project web = warden.projects.create(alice, org, "Web");
    warden.grants.grant(alice, web.id(), carol.userId(), ProjectRole.ADMIN);
    ResourceRef first = ResourceRef.dashboard(web.id(), "first");
    ResourceRef second = ResourceRef.of(web.id(), "insight", "second");
    warden.resources.register(carol, first);
    clock.advance(Duration.ofSeconds(1));
    warden.resources.register(carol, second);
    warden.resources.setMemberRule(alice, first, carol.userId(), AccessLevel.EDITOR);
    warden.resources.setMemberRule(alice, second, dave.userId(), AccessLevel.EDITOR);

    OffboardingReport report = warden.members.offboard(alice, org, carol.userId(), bob.userId());

    assertThat(report.resourcesTransferred()).isEqualTo(2);
    OrgState after = warden.published(org);
    assertThat(after.resources().keySet()).containsExactly(first, second);
    assertThat(after.resources().values()).extracting(r -> r.resource().creator()).containsOnly(bob.userId());
    assertThat(after.resources().get(first).memberRules()).isEmpty();
    assertThat(after.resources().get(second).memberRules().keySet()).containsExactly(dave.userId());
    assertThat(after.projects().get(web.id()).grants()).isEmpty();
    assertThat(after.resourcesCreatedBy(bob.userId())).containsExactlyInAnyOrder(first, second);
    assertThat(after.resourcesCreatedBy(carol.userId())).isEmpty();

    warden.resources.remove(alice, first);
    assertThat(warden.published(org).resourcesCreatedBy(bob.userId())).containsExactly(second);
  }

  @Test
  void sweep_removesExpiredMembershipsAndGrants() {
    OrgId org = warden.acme();
    Project web = warden.projects.create(alice, org, "Web");
    warden.grants.grant(alice, web.id(), carol.userId(), ProjectRole.MEMBER);
    warden.grants.grant(alice, web.id(), dave.userId(), ProjectRole.MEMBER, clock.instant().plus(HOUR));
    warden.members.setExpiry(alice, org, carol.userId(), clock.instant().plus(HOUR));
    clock.advance(HOUR);

    SweepReport report = warden.sweep.sweep(org);

    assertThat(report).isEqualTo(new SweepReport(1, 1));
    OrgState after = warden.published(org);
    assertThat(after.members().keySet()).containsExactly(alice.userId(), bob.userId(), dave.userId());
    assertThat(after.projects().get(web.id()).grants()).isEmpty();
  }

  @Test
  void verification_writeTheReplayMisses_refusesTheMutation() {
    assumeTrue(Boolean.getBoolean("warden.verifySnapshots"), "needs -Dwarden.verifySnapshots=true (set by core/pom.xml)");
    InMemoryStore memory = InMemoryStore.create();
    // A store whose upsert also writes a second grant behind the engine's back.
    Store sneaky = new Store() {
      @Override
      public <T> T inTransaction(Function<Transaction, T> work) {
        return memory.inTransaction(tx -> work.apply(new ForwardingTransaction(tx) {
          @Override
          public GrantRepository grants() {
            GrantRepository grants = tx.grants();
            return new GrantRepository() {
              @Override
              public Optional<ProjectGrant> find(ProjectId project, UserId user) {
                return grants.find(project, user);
              }

              @Override
              public List<ProjectGrant> listByOrganization(OrgId organization) {
                return grants.listByOrganization(organization);
              }

              @Override
              public void upsert(ProjectGrant grant) {
                grants.upsert(grant);
                grants.upsert(new ProjectGrant(grant.project(), alice.userId(), ProjectRole.ADMIN, Optional.empty(),
                    grant.grantedBy(), grant.grantedAt()));
              }

              @Override
              public boolean delete(ProjectId project, UserId user) {
                return grants.delete(project, user);
              }

              @Override
              public int deleteByMember(OrgId organization, UserId user) {
                return grants.deleteByMember(organization, user);
              }
            };
          }
        }));
      }
    };
    Warden w = new Warden(sneaky);
    OrgId org = w.acme();
    Project web = w.projects.create(alice, org, "Web");
    long revision = w.engine.cache().get(org).revision();

    assertThatThrownBy(() -> w.grants.grant(alice, web.id(), carol.userId(), ProjectRole.VIEWER))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("differs from a full load in its project " + web.id());
    assertThat(w.engine.cache().get(org).revision()).isEqualTo(revision);
    List<ProjectGrant> stored = w.store.inTransaction(tx -> tx.grants().listByOrganization(org));
    assertThat(stored).isEmpty();
  }
}

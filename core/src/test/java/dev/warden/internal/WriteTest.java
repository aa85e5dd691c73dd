package dev.warden.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.apikey.ApiKey;
import dev.warden.apikey.ApiKeyId;
import dev.warden.apikey.ApiScope;
import dev.warden.audit.Actor;
import dev.warden.audit.AuditEntry;
import dev.warden.invite.Invite;
import dev.warden.invite.InviteId;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.Organization;
import dev.warden.organization.OrganizationSettings;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.Resource;
import dev.warden.resource.ResourceRef;
import dev.warden.resource.ResourceRule;
import dev.warden.spi.Store;
import dev.warden.testing.FakeClock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each {@link Write} applied directly, without a service: its store effect and its snapshot effect
 * must agree, cascades included (issue 13). Every case checks the store through the SPI, the replayed
 * snapshot, and that the replay equals a full load, entry by entry and in order.
 */
class WriteTest {
  private static final Instant T0 = FakeClock.START;
  private static final OrgId ORG = OrgId.of("org_acme");
  private static final UserId ALICE = UserId.of("alice");
  private static final UserId CAROL = UserId.of("carol");
  private static final UserId DAVE = UserId.of("dave");
  private static final ProjectId WEB = ProjectId.of("prj_web");
  private static final ProjectId APP = ProjectId.of("prj_app");
  private static final ResourceRef WEB_BOARD = ResourceRef.dashboard(WEB, "board");
  private static final ResourceRef APP_BOARD = ResourceRef.dashboard(APP, "board");

  private final Store store = InMemoryStore.create();
  private OrgState state;

  @BeforeEach
  void acme() {
    Organization acme = new Organization(ORG, "Acme Corp", T0, OrganizationSettings.defaults());
    state = OrgState.empty(acme);
    apply(new Write.CreateOrganization(acme),
        new Write.InsertMember(member(ALICE, OrgLevel.OWNER)),
        new Write.InsertMember(member(CAROL, OrgLevel.MEMBER)),
        new Write.InsertMember(member(DAVE, OrgLevel.MEMBER)),
        new Write.InsertProject(project(WEB, "phc_web", 0)),
        new Write.InsertProject(project(APP, "phc_app", 1)),
        new Write.UpsertGrant(grant(WEB, CAROL)),
        new Write.UpsertGrant(grant(APP, CAROL)),
        new Write.UpsertGrant(grant(APP, DAVE)),
        new Write.UpsertRule(ResourceRule.forKind(WEB, "insight", AccessLevel.VIEWER)),
        new Write.InsertResource(new Resource(WEB_BOARD, CAROL, T0)),
        new Write.InsertResource(new Resource(APP_BOARD, CAROL, T0.plusSeconds(1))),
        new Write.UpsertRule(ResourceRule.forEveryone(WEB_BOARD, AccessLevel.VIEWER)),
        new Write.UpsertRule(ResourceRule.forMember(WEB_BOARD, CAROL, AccessLevel.EDITOR)),
        new Write.UpsertRule(ResourceRule.forMember(APP_BOARD, CAROL, AccessLevel.MANAGER)),
        new Write.UpsertRule(ResourceRule.forMember(APP_BOARD, DAVE, AccessLevel.VIEWER)));
  }

  @Test
  void deleteProject_takesItsGrantsKindRulesResourcesAndTheirRules_inStoreAndSnapshot() {
    OrgState before = state;

    apply(new Write.DeleteProject(WEB));

    store.inTransaction(tx -> {
      assertThat(tx.projects().find(WEB)).isEmpty();
      assertThat(tx.projects().findByToken("phc_web")).isEmpty();
      assertThat(tx.grants().listByOrganization(ORG)).extracting(ProjectGrant::project).containsOnly(APP);
      assertThat(tx.resources().listByOrganization(ORG)).extracting(Resource::ref).containsExactly(APP_BOARD);
      assertThat(tx.resources().listRulesByOrganization(ORG)).extracting(ResourceRule::project).containsOnly(APP);
      return null;
    });
    assertThat(state.projects().keySet()).containsExactly(APP);
    assertThat(state.resources().keySet()).containsExactly(APP_BOARD);
    assertThat(state.projects().get(APP)).isSameAs(before.projects().get(APP));
    assertThat(state.members()).isSameAs(before.members());
  }

  @Test
  void removeMember_takesTheirGrantsAndResourceRules_inStoreAndSnapshot() {
    Write.Removed removed = apply(new Write.RemoveMember(ORG, CAROL));

    assertThat(removed).isEqualTo(new Write.Removed(true, 2, 2, 0));
    store.inTransaction(tx -> {
      assertThat(tx.memberships().find(ORG, CAROL)).isEmpty();
      assertThat(tx.grants().listByOrganization(ORG)).extracting(ProjectGrant::user).containsExactly(DAVE);
      assertThat(tx.resources().listRulesByOrganization(ORG)).allSatisfy(r -> assertThat(r.user()).isNotEqualTo(Optional.of(CAROL)));
      return null;
    });
    assertThat(state.members()).doesNotContainKey(CAROL);
    assertThat(state.projects().get(WEB).grants()).isEmpty();
    assertThat(state.projects().get(APP).grants().keySet()).containsExactly(DAVE);
    assertThat(state.resources().get(WEB_BOARD).memberRules()).isEmpty();
    assertThat(state.resources().get(WEB_BOARD).everyoneRule()).isEqualTo(AccessLevel.VIEWER);
    assertThat(state.resources().get(APP_BOARD).memberRules().keySet()).containsExactly(DAVE);
  }

  @Test
  void removeMember_ofAnOwner_refusedByTheStore_notReplayed() {
    OrgState before = state;

    Writes writes = store.inTransaction(tx -> {
      Writes w = Writes.inOrganization(tx);
      assertThat(w.apply(new Write.RemoveMember(ORG, ALICE)).removed()).isFalse();
      return w;
    });

    assertThat(writes.applied()).isEmpty();
    assertThat(before.replay(writes.applied()).build(before.revision()).members()).isSameAs(before.members());
  }

  @Test
  void deleteResource_takesItsRules_inStoreAndSnapshot() {
    apply(new Write.DeleteResource(WEB_BOARD));

    store.inTransaction(tx -> {
      assertThat(tx.resources().find(WEB_BOARD)).isEmpty();
      assertThat(tx.resources().listRulesByOrganization(ORG))
          .allSatisfy(r -> assertThat(r.ref()).isNotEqualTo(Optional.of(WEB_BOARD)));
      return null;
    });
    assertThat(state.resources().keySet()).containsExactly(APP_BOARD);
    assertThat(state.projects().get(WEB).kindRules()).containsEntry("insight", AccessLevel.VIEWER);
  }

  @Test
  void deleteRuleAndGrant_missing_tookNoEffect_notReplayed() {
    OrgState before = state;
    Writes writes = store.inTransaction(tx -> {
      Writes w = Writes.inOrganization(tx);
      assertThat(w.apply(new Write.DeleteGrant(WEB, DAVE))).isFalse();
      assertThat(w.apply(new Write.DeleteRule(ResourceRule.forMember(WEB_BOARD, DAVE, AccessLevel.NONE)))).isFalse();
      assertThat(w.apply(new Write.DeleteProject(ProjectId.of("prj_gone")))).isFalse();
      return w;
    });
    assertThat(writes.applied()).isEmpty();
    assertThat(state).isSameAs(before);
  }

  @Test
  void updateProjectAndResource_keepTheirGrantsAndRules() {
    OrgState before = state;

    apply(new Write.UpdateProject(project(WEB, "phc_web2", 0).withName("Website")),
        new Write.UpdateResource(new Resource(WEB_BOARD, DAVE, T0)));

    assertThat(state.projects().get(WEB).project().name()).isEqualTo("Website");
    assertThat(state.projects().get(WEB).grants()).isSameAs(before.projects().get(WEB).grants());
    assertThat(state.resources().get(WEB_BOARD).resource().creator()).isEqualTo(DAVE);
    assertThat(state.resources().get(WEB_BOARD).memberRules()).isSameAs(before.resources().get(WEB_BOARD).memberRules());
    store.inTransaction(tx -> assertThat(tx.projects().findByToken("phc_web")).isEmpty());
  }

  @Test
  void deleteOrganization_dropsTheSnapshot_andTheStoreForgetsEverything() {
    Writes writes = store.inTransaction(tx -> {
      Writes w = Writes.inOrganization(tx);
      w.apply(new Write.DeleteOrganization(ORG));
      return w;
    });

    assertThat(state.replay(writes.applied()).deleted()).isTrue();
    assertThatThrownBy(() -> state.replay(writes.applied()).build(1)).isInstanceOf(IllegalStateException.class);
    store.inTransaction(tx -> {
      assertThat(tx.organizations().find(ORG)).isEmpty();
      assertThat(tx.projects().find(APP)).isEmpty();
      assertThat(tx.memberships().listByUser(CAROL)).isEmpty();
      return null;
    });
  }

  @Test
  void storeWrites_changeNoSnapshot() {
    Invite invite = new Invite(InviteId.of("inv_1"), ORG, EmailAddress.of("erin@acme.com"), OrgLevel.MEMBER, List.of(),
        ALICE, T0, T0.plusSeconds(60), Optional.empty());
    ApiKey key = new ApiKey(ApiKeyId.of("key_1"), CAROL, "ci", Set.of(ApiScope.ALL), Set.of(), Set.of(), "abcd", T0,
        Optional.empty(), Optional.empty());
    Writes writes = store.inTransaction(tx -> {
      Writes w = Writes.inOrganization(tx);
      w.apply(new Write.InsertInvite(invite, "hash-1"));
      assertThat(w.apply(new Write.ConsumeInvite(invite.id(), T0))).isTrue();
      w.apply(new Write.DeleteUnusedInvites(ORG, invite.email()));
      assertThat(w.apply(new Write.InsertApiKey(key, "hash-2", 10))).isTrue();
      w.apply(new Write.UpdateApiKey(key.usedAt(T0), Optional.empty()));
      w.apply(new Write.AppendAudit(new AuditEntry("aud_1", Optional.of(ORG), Optional.empty(), Actor.SYSTEM,
          "test.done", Optional.empty(), List.of(), T0)));
      return w;
    });

    assertThat(writes.applied()).isEmpty();
  }

  @Test
  void snapshotWrite_outsideAnOrganization_refused() {
    store.inTransaction(tx -> {
      Writes outside = Writes.outsideOrganizations(tx);
      assertThatThrownBy(() -> outside.apply(new Write.DeleteGrant(WEB, CAROL))).isInstanceOf(IllegalStateException.class);
      assertThat(outside.apply(new Write.DeleteApiKey(ApiKeyId.of("key_none")))).isFalse();
      return null;
    });
  }

  /**
   * Applies {@code writes} in one transaction, replays the ones that took effect on {@link #state} at
   * the next revision, checks the result equals a full load, and keeps it as the new state. Returns the
   * last write's answer.
   */
  @SuppressWarnings("unchecked")
  private <R> R apply(Write<?>... writes) {
    Object[] last = new Object[1];
    state = store.inTransaction(tx -> {
      Writes w = Writes.inOrganization(tx);
      for (Write<?> write : writes) {
        last[0] = w.apply(write);
      }
      OrgState replayed = state.replay(w.applied()).build(state.revision() + 1);
      OrgState loaded = OrgState.load(tx, ORG, replayed.revision()).orElseThrow();
      assertThat(replayed.differenceFrom(loaded)).isEmpty();
      return replayed;
    });
    return (R) last[0];
  }

  private static Membership member(UserId user, OrgLevel level) {
    return new Membership(ORG, user, Optional.empty(), level, Optional.empty(), Optional.empty(), T0, Optional.empty());
  }

  private static Project project(ProjectId id, String token, int second) {
    return new Project(id, ORG, id.value(), Visibility.OPEN, ProjectRole.MEMBER, token, T0.plusSeconds(second));
  }

  private static ProjectGrant grant(ProjectId project, UserId user) {
    return new ProjectGrant(project, user, ProjectRole.MEMBER, Optional.empty(), ALICE, T0);
  }
}

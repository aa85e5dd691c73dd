package dev.warden.properties;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.AccessPolicy;
import dev.warden.AuthMethod;
import dev.warden.Decision;
import dev.warden.NotFoundException;
import dev.warden.Principal;
import dev.warden.Reason;
import dev.warden.apikey.ApiKey;
import dev.warden.apikey.ApiKeyRequest;
import dev.warden.apikey.ApiScope;
import dev.warden.invite.InviteRequest;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.VisibleProject;
import dev.warden.project.Visibility;
import dev.warden.testing.FakeClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * SPEC §9 (issue 6): a key acts as its user narrowed by scopes and limits, so a key principal's
 * decision is never {@code ALLOW} unless its user's is. Random levels, grants, default roles,
 * visibilities, scopes, limits, settings, capabilities and targets.
 */
class ApiKeyNarrowingTest {

  /** What the key is limited to. */
  enum Limit { NONE, HOME_ORG, OTHER_ORG, BOTH_ORGS, OPEN_PROJECT, GRANTED_PROJECT, OPEN_AND_OTHER_PROJECT }

  /** One random world: two organizations the user belongs to, one they don't, and a key. */
  private static final class World {
    final FakeClock clock = FakeClock.create();
    final AccessPolicy policy;
    final Principal owner = Principal.user(UserId.of("owner"), "owner@home.io");
    final Principal otherOwner = Principal.user(UserId.of("other-owner"), "oo@other.io");
    final Principal stranger = Principal.user(UserId.of("stranger"), "s@foreign.io");
    /** The user, authenticated in the strongest way (SSO, MFA, just now): their full permission. */
    final Principal user = Principal.user(UserId.of("user"), "user@home.io").via(AuthMethod.SSO).withMfa(true);
    final OrgId home;
    final OrgId other;
    final OrgId foreign;
    final ProjectId open;
    final ProjectId hidden;
    final ProjectId granted;
    final ProjectId otherProject;
    final ProjectId foreignProject;

    World(boolean leastPrivilege, OrgLevel homeLevel, OrgLevel otherLevel, ProjectRole defaultRole,
        Optional<ProjectRole> grant, boolean membersCanUseKeys) {
      policy = AccessPolicy.builder().clock(clock)
          .matrix(leastPrivilege ? PermissionMatrix.leastPrivilege() : PermissionMatrix.posthog()).build();
      home = policy.organizations().create(owner, "Home").id();
      other = policy.organizations().create(otherOwner, "Other").id();
      foreign = policy.organizations().create(stranger, "Foreign").id();
      open = project(owner, home, "Open", Visibility.OPEN);
      policy.projects().setDefaultRole(owner, open, defaultRole);
      hidden = project(owner, home, "Hidden", Visibility.PRIVATE);
      granted = project(owner, home, "Granted", Visibility.PRIVATE);
      otherProject = policy.visibleProjects(otherOwner, other).get(0).project().id();
      foreignProject = policy.visibleProjects(stranger, foreign).get(0).project().id();
      join(owner, home, homeLevel);
      join(otherOwner, other, otherLevel);
      grant.ifPresent(role -> policy.grants().grant(owner, granted, user.userId(), role));
      for (OrgId org : List.of(home, other)) {
        Principal admin = org.equals(home) ? owner : otherOwner;
        // After a transfer the original owner is an Admin, who still holds MANAGE_ORG_SETTINGS.
        policy.organizations().updateSettings(admin, org,
            policy.organizations().get(admin, org).settings().withMembersCanUsePersonalApiKeys(membersCanUseKeys));
      }
    }

    private ProjectId project(Principal actor, OrgId org, String name, Visibility visibility) {
      Project p = policy.projects().create(actor, org, name);
      policy.projects().setVisibility(actor, p.id(), visibility);
      return p.id();
    }

    private void join(Principal inviter, OrgId org, OrgLevel level) {
      OrgLevel invited = level == OrgLevel.OWNER ? OrgLevel.ADMIN : level;
      String token = policy.invites().create(inviter, org, InviteRequest.to("user@home.io").level(invited)).token();
      policy.invites().accept(token, user, "user@home.io");
      if (level == OrgLevel.OWNER) {
        policy.members().transferOwnership(inviter, org, user.userId());
      }
    }

    ApiKeyRequest limit(ApiKeyRequest request, Limit limit) {
      return switch (limit) {
        case NONE -> request;
        case HOME_ORG -> request.limitToOrganizations(home);
        case OTHER_ORG -> request.limitToOrganizations(other);
        case BOTH_ORGS -> request.limitToOrganizations(home, other);
        case OPEN_PROJECT -> request.limitToProjects(open);
        case GRANTED_PROJECT -> request.limitToProjects(granted);
        case OPEN_AND_OTHER_PROJECT -> request.limitToProjects(open, otherProject);
      };
    }

    OrgId orgTarget(int pick) {
      return List.of(home, other, foreign).get(pick % 3);
    }

    /** The open and the granted project twice as often as the others: most decisions there can allow. */
    ProjectId projectTarget(int pick) {
      return List.of(open, granted, open, granted, hidden, otherProject, foreignProject).get(pick % 7);
    }

    OrgId orgOf(ProjectId project) {
      return project.equals(otherProject) ? other : project.equals(foreignProject) ? foreign : home;
    }

    Decision check(Principal p, Capability capability, int pick) {
      return capability.scope() == Capability.Scope.ORGANIZATION
          ? policy.check(p, capability, orgTarget(pick))
          : policy.check(p, capability, projectTarget(pick));
    }
  }

  @Provide
  Arbitrary<Capability> capabilities() {
    return Arbitraries.of(List.copyOf(PermissionMatrix.posthog().capabilities()));
  }

  @Provide
  Arbitrary<Set<String>> scopes() {
    List<String> all = new ArrayList<>();
    all.add("*");
    for (String object : PermissionMatrix.posthog().scopeObjects()) {
      all.add(object + ":read");
      all.add(object + ":write");
    }
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(Set.of("*"))),
        Tuple.of(3, Arbitraries.of(all).set().ofMinSize(1).ofMaxSize(4)));
  }

  /** Members more often than Admins and Owners: their keys meet every gate and every role source. */
  @Provide
  Arbitrary<OrgLevel> levels() {
    return Arbitraries.frequency(Tuple.of(3, OrgLevel.MEMBER), Tuple.of(1, OrgLevel.ADMIN), Tuple.of(1, OrgLevel.OWNER));
  }

  @Provide
  Arbitrary<Boolean> mostlyTrue() {
    return Arbitraries.frequency(Tuple.of(3, true), Tuple.of(1, false));
  }

  @Provide
  Arbitrary<Optional<ProjectRole>> grants() {
    return Arbitraries.of(ProjectRole.class).optional(0.6);
  }

  @Property(tries = 500)
  void keyNeverGrantsMoreThanItsUser_andExactlyUserIntersectScopeIntersectLimits(
      @ForAll boolean leastPrivilege,
      @ForAll("levels") OrgLevel homeLevel,
      @ForAll("levels") OrgLevel otherLevel,
      @ForAll ProjectRole defaultRole,
      @ForAll("grants") Optional<ProjectRole> grant,
      @ForAll("mostlyTrue") boolean membersCanUseKeys,
      @ForAll("scopes") Set<String> randomScopes,
      @ForAll boolean withTheNeededScope,
      @ForAll Limit limit,
      @ForAll("capabilities") Capability capability,
      @ForAll @IntRange(min = 0, max = 20) int targetPick) {
    // Half the keys also carry the scope the capability needs, so that many keys are allowed at all.
    Set<String> scopes = new java.util.LinkedHashSet<>(randomScopes);
    if (withTheNeededScope) {
      scopes.add(PermissionMatrix.posthog().apiScope(capability).toString());
    }
    World w = new World(leastPrivilege, homeLevel, otherLevel, defaultRole, grant, membersCanUseKeys);
    ApiKeyRequest request = w.limit(ApiKeyRequest.labeled("k").scopes(scopes.toArray(String[]::new)), limit);

    ApiKey key;
    try {
      key = w.policy.apiKeys().create(w.user, request).key();
    } catch (NotFoundException e) {
      // A limit the user cannot reach is refused: one of the limited projects is hidden from the user.
      assertThat(request.organizations()).isEmpty();
      assertThat(request.projects())
          .anySatisfy(p -> assertThat(w.policy.check(w.user, Capability.VIEW_DATA, p)).isEqualTo(Decision.notFound()));
      return;
    }
    Principal keyPrincipal = w.policy.apiKeys().authenticate(
        w.policy.apiKeys().roll(w.user, key.id()).value()).orElseThrow();

    Decision userDecision = w.check(w.user, capability, targetPick);
    Decision keyDecision = w.check(keyPrincipal, capability, targetPick);

    // The property of the issue: a key never grants more than its user.
    if (keyDecision.allowed()) {
      assertThat(userDecision.allowed()).as("user decision %s, key decision %s", userDecision, keyDecision).isTrue();
      assertThat(keyDecision).isEqualTo(userDecision);
    }

    // And exactly: user ∩ scope ∩ limits (∩ the organization's "Members may use keys").
    boolean projectTarget = capability.scope() == Capability.Scope.PROJECT;
    OrgId targetOrg = projectTarget ? w.orgOf(w.projectTarget(targetPick)) : w.orgTarget(targetPick);
    boolean reachesOrg = key.organizations().isEmpty() || key.organizations().contains(targetOrg);
    boolean reachesProject = !projectTarget || key.projects().isEmpty() || key.projects().contains(w.projectTarget(targetPick));
    boolean scopeCovers = scopes.stream().map(ApiScope::parse).anyMatch(s -> s.covers(PermissionMatrix.posthog().apiScope(capability)));
    OrgLevel levelThere = targetOrg.equals(w.home) ? homeLevel : otherLevel;
    boolean keysAllowed = membersCanUseKeys || levelThere != OrgLevel.MEMBER;
    assertThat(keyDecision.allowed())
        .as("user %s, scopeCovers %s, reachesOrg %s, reachesProject %s, keysAllowed %s; key decision %s",
            userDecision, scopeCovers, reachesOrg, reachesProject, keysAllowed, keyDecision)
        .isEqualTo(userDecision.allowed() && scopeCovers && reachesOrg && reachesProject && keysAllowed);
    if (!reachesOrg || !reachesProject) {
      assertThat(keyDecision).isEqualTo(Decision.notFound());
    }
    // Guards the generators: enough keys must be allowed, narrowed by scope, disabled, or out of reach.
    Statistics.collect(keyDecision.outcome(), keyDecision.reason());
    Statistics.coverage(c -> {
      c.checkQuery(values -> values.get(0) == Decision.Outcome.ALLOW).percentage(p -> p > 5);
      c.check(Decision.Outcome.DENY, Reason.API_KEY_SCOPE).percentage(p -> p > 3);
      c.check(Decision.Outcome.DENY, Reason.API_KEYS_DISABLED).percentage(p -> p > 1);
      c.check(Decision.Outcome.NOT_FOUND, Reason.NOT_FOUND).percentage(p -> p > 3);
    });
  }

  @Property(tries = 100)
  void keyNeverSeesMoreProjectsThanItsUser(
      @ForAll boolean leastPrivilege,
      @ForAll("levels") OrgLevel homeLevel,
      @ForAll("levels") OrgLevel otherLevel,
      @ForAll ProjectRole defaultRole,
      @ForAll("grants") Optional<ProjectRole> grant,
      @ForAll("scopes") Set<String> scopes,
      @ForAll Limit limit) {
    World w = new World(leastPrivilege, homeLevel, otherLevel, defaultRole, grant, true);
    ApiKey key;
    try {
      key = w.policy.apiKeys().create(w.user,
          w.limit(ApiKeyRequest.labeled("k").scopes(scopes.toArray(String[]::new)), limit)).key();
    } catch (NotFoundException e) {
      return;
    }
    Principal keyPrincipal = w.policy.apiKeys().authenticate(
        w.policy.apiKeys().roll(w.user, key.id()).value()).orElseThrow();

    for (OrgId org : List.of(w.home, w.other)) {
      List<VisibleProject> userSees = w.policy.visibleProjects(w.user, org);
      List<VisibleProject> keySees;
      try {
        keySees = w.policy.visibleProjects(keyPrincipal, org);
      } catch (NotFoundException e) {
        assertThat(key.organizations()).isNotEmpty().doesNotContain(org);
        continue;
      }
      assertThat(userSees).containsAll(keySees);
      for (VisibleProject vp : userSees) {
        boolean reaches = key.projects().isEmpty() || key.projects().contains(vp.project().id());
        assertThat(keySees.contains(vp)).as("%s", vp.project().name()).isEqualTo(reaches);
      }
    }
  }
}

package dev.warden.internal;

import com.google.common.collect.ImmutableSet;
import dev.warden.apikey.ApiKey;
import dev.warden.apikey.ApiKeyId;
import dev.warden.audit.Change;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.spi.StoreOrder;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What offboarding does to a user's personal API keys (SPEC §7): revoke the keys that reach only the
 * organization, narrow the others out of it. Not API.
 */
final class KeyNarrowing {
  private KeyNarrowing() {}

  /**
   * Revokes the user's keys that reach only this organization and takes the organization (and its
   * projects) out of the limits of the others. A key without an organization limit is limited to the
   * user's other active organizations at this moment (issue 12: otherwise it would reach this
   * organization again if the user ever rejoined); with none, it is revoked. A key whose project
   * limits would become empty is revoked rather than widened to every project. So no key that existed
   * before offboarding reaches this organization afterwards, whatever happens later.
   */
  static void offboard(Mutation m, UserId user, List<ApiKeyId> revoked, List<ApiKeyId> narrowed) {
    OrgId org = m.state().id();
    Set<OrgId> otherOrgs = m.read().memberships().listByUser(user).stream()
        .filter(x -> !x.organization().equals(org) && x.activeAt(m.now()))
        .map(Membership::organization)
        .sorted(StoreOrder.ORGANIZATION_IDS)
        .collect(ImmutableSet.toImmutableSet());
    for (ApiKey key : m.read().apiKeys().listByUser(user)) {
      Set<OrgId> orgs = key.organizations().isEmpty() ? otherOrgs
          : key.organizations().stream().filter(o -> !o.equals(org)).collect(ImmutableSet.toImmutableSet());
      Set<ProjectId> projects = key.projects().stream().filter(p -> !m.state().projects().containsKey(p))
          .collect(ImmutableSet.toImmutableSet());
      boolean reachesOnlyThis = orgs.isEmpty();
      if (reachesOnlyThis || (!key.projects().isEmpty() && projects.isEmpty())) {
        m.apply(new Write.DeleteApiKey(key.id()));
        m.audit("api_key.revoked", null, key.id(), Change.of("label", key.label(), null));
        m.afterCommit(() -> m.decider().revocations().revoked(key.id()));
        revoked.add(key.id());
      } else if (!orgs.equals(key.organizations()) || projects.size() != key.projects().size()) {
        m.apply(new Write.UpdateApiKey(key.withLimits(orgs, projects), Optional.empty()));
        m.audit("api_key.narrowed", null, key.id(), Change.of("organizations", key.organizations(), orgs),
            Change.of("projects", key.projects(), projects));
        narrowed.add(key.id());
      }
    }
  }
}

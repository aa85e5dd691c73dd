package dev.warden.examples.spring;

import dev.warden.apikey.ApiKey;
import dev.warden.invite.Invite;
import dev.warden.organization.Membership;
import dev.warden.organization.Organization;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.project.VisibleProject;
import java.time.Instant;
import java.util.List;

/** The JSON bodies, as records Jackson writes: Warden's typed ids become plain strings. */
final class Views {
  private Views() {}

  record OrganizationView(String id, String name, Instant createdAt) {
    static OrganizationView of(Organization o) {
      return new OrganizationView(o.id().value(), o.name(), o.createdAt());
    }
  }

  record MembershipView(String organization, String user, String email, String level, String note,
      Instant expiresAt, Instant joinedAt, String invitedBy) {
    static MembershipView of(Membership m) {
      return new MembershipView(m.organization().value(), m.user().value(), m.email().map(e -> e.value()).orElse(null), m.level().name(),
          m.note().orElse(null), m.expiresAt().orElse(null), m.joinedAt(),
          m.invitedBy().map(u -> u.value()).orElse(null));
    }
  }

  /** A project with its token ({@code wdt_…}): project tokens are public ingestion keys by design. */
  record ProjectView(String id, String organization, String name, String visibility, String defaultRole,
      String token, Instant createdAt, String role, String roleSource) {
    static ProjectView of(Project p) {
      return new ProjectView(p.id().value(), p.organization().value(), p.name(), p.visibility().name(),
          p.defaultRole().name(), p.token(), p.createdAt(), null, null);
    }

    static ProjectView of(VisibleProject v) {
      ProjectView p = of(v.project());
      return new ProjectView(p.id(), p.organization(), p.name(), p.visibility(), p.defaultRole(), p.token(),
          p.createdAt(), v.role().name(), v.source().name());
    }
  }

  record InviteGrantView(String project, String role) {}

  record InviteView(String id, String organization, String email, String level, List<InviteGrantView> grants,
      String invitedBy, Instant createdAt, Instant expiresAt) {
    static InviteView of(Invite i) {
      return new InviteView(i.id().value(), i.organization().value(), i.email().value(), i.level().name(),
          i.grants().stream().map(g -> new InviteGrantView(g.project().value(), g.role().name())).toList(),
          i.invitedBy().value(), i.createdAt(), i.expiresAt());
    }
  }

  record GrantView(String project, String user, String role, Instant expiresAt, String grantedBy, Instant grantedAt) {
    static GrantView of(ProjectGrant g) {
      return new GrantView(g.project().value(), g.user().value(), g.role().name(), g.expiresAt().orElse(null),
          g.grantedBy().value(), g.grantedAt());
    }
  }

  /** A personal API key, masked ({@code …abcd}); its value is shown only when created or rolled. */
  record ApiKeyView(String id, String label, String key, List<String> scopes, List<String> organizations,
      List<String> projects, Instant createdAt, Instant lastUsedAt, Instant lastRolledAt) {
    static ApiKeyView of(ApiKey k) {
      return new ApiKeyView(k.id().value(), k.label(), k.masked(), k.scopes().stream().map(Object::toString).toList(),
          k.organizations().stream().map(o -> o.value()).toList(), k.projects().stream().map(p -> p.value()).toList(),
          k.createdAt(), k.lastUsedAt().orElse(null), k.lastRolledAt().orElse(null));
    }
  }
}

package dev.warden;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.organization.Organization;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import org.junit.jupiter.api.Test;

class QuickSmokeTest {
  @Test
  void specSnippet_works() {
    AccessPolicy policy = AccessPolicy.inMemory();
    Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com");
    Principal bob = Principal.user(UserId.of("bob"), "bob@acme.com");
    Organization acme = policy.organizations().create(alice, "Acme Corp");
    Project prod = policy.projects().create(alice, acme.id(), "Production");
    IssuedInvite invite = policy.invites().create(alice, acme.id(),
        InviteRequest.to("bob@acme.com").level(OrgLevel.MEMBER).grant(prod.id(), ProjectRole.VIEWER));
    policy.invites().accept(invite.token(), bob, "bob@acme.com");
    assertThat(policy.check(bob, Capability.VIEW_DATA, prod.id())).isEqualTo(Decision.allow(Reason.EXPLICIT_GRANT));
    assertThat(policy.check(bob, Capability.CREATE_CONTENT, prod.id())).isEqualTo(Decision.deny(Reason.ROLE_TOO_LOW));
    policy.projects().setVisibility(alice, prod.id(), Visibility.PRIVATE);
    policy.grants().revoke(alice, prod.id(), bob.userId());
    assertThat(policy.check(bob, Capability.VIEW_DATA, prod.id())).isEqualTo(Decision.notFound());
    assertThat(policy.visibleProjects(bob, acme.id())).hasSize(1);
    assertThat(policy.explain(bob, Capability.VIEW_DATA, prod.id()).steps()).isNotEmpty();
  }
}

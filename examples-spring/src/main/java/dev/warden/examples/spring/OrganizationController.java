package dev.warden.examples.spring;

import dev.warden.AccessPolicy;
import dev.warden.Principal;
import dev.warden.examples.spring.Views.InviteView;
import dev.warden.examples.spring.Views.MembershipView;
import dev.warden.examples.spring.Views.OrganizationView;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Organizations, members and invites: each handler makes one Warden call, which authorizes it (a
 * refusal is a {@link dev.warden.WardenException} that the starter answers with problem details).
 */
@RestController
class OrganizationController {
  private final AccessPolicy policy;

  OrganizationController(AccessPolicy policy) {
    this.policy = policy;
  }

  record NameBody(String name) {}

  /** One change per request: {@code level}, {@code expiresAt} or {@code clearExpiry: true}, or {@code note}. */
  record MemberChange(OrgLevel level, Instant expiresAt, Boolean clearExpiry, String note) {}

  record InviteGrantBody(String project, ProjectRole role) {}

  record InviteBody(String email, OrgLevel level, List<InviteGrantBody> grants) {}

  record TokenBody(String token) {}

  record IssuedInviteView(InviteView invite, String token) {}

  @PostMapping("/organizations")
  @ResponseStatus(HttpStatus.CREATED)
  OrganizationView create(@AuthenticationPrincipal Principal caller, @RequestBody NameBody body) {
    return OrganizationView.of(policy.organizations().create(caller, body.name()));
  }

  @GetMapping("/organizations")
  Map<String, List<OrganizationView>> list(@AuthenticationPrincipal Principal caller) {
    return Map.of("organizations", policy.organizations().list(caller).stream().map(OrganizationView::of).toList());
  }

  @GetMapping("/organizations/{org}")
  OrganizationView get(@AuthenticationPrincipal Principal caller, @PathVariable String org) {
    return OrganizationView.of(policy.organizations().get(caller, OrgId.of(org)));
  }

  @GetMapping("/organizations/{org}/members")
  Map<String, List<MembershipView>> members(@AuthenticationPrincipal Principal caller, @PathVariable String org) {
    return Map.of("members", policy.members().list(caller, OrgId.of(org)).stream().map(MembershipView::of).toList());
  }

  /**
   * Each change is its own audited Warden change, so combining them could leave the first applied when
   * the second is refused; refusing the combination keeps every request all-or-nothing.
   */
  @PatchMapping("/organizations/{org}/members/{user}")
  MembershipView changeMember(@AuthenticationPrincipal Principal caller, @PathVariable String org,
      @PathVariable String user, @RequestBody MemberChange body) {
    OrgId o = OrgId.of(org);
    UserId u = UserId.of(user);
    boolean clear = Boolean.TRUE.equals(body.clearExpiry());
    int changes = (body.level() == null ? 0 : 1) + (body.expiresAt() == null ? 0 : 1) + (clear ? 1 : 0)
        + (body.note() == null ? 0 : 1);
    if (changes != 1) {
      throw new BadRequestException("send exactly one of 'level', 'expiresAt', 'clearExpiry' or 'note'");
    }
    return MembershipView.of(body.level() != null ? policy.members().changeLevel(caller, o, u, body.level())
        : body.expiresAt() != null ? policy.members().setExpiry(caller, o, u, body.expiresAt())
        : clear ? policy.members().clearExpiry(caller, o, u)
        : policy.members().setNote(caller, o, u, body.note()));
  }

  @DeleteMapping("/organizations/{org}/members/{user}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void remove(@AuthenticationPrincipal Principal caller, @PathVariable String org, @PathVariable String user) {
    policy.members().remove(caller, OrgId.of(org), UserId.of(user));
  }

  /** {@code {"email": …, "level": "MEMBER", "grants": [{"project": …, "role": "VIEWER"}]}}; the token is in this response only. */
  @PostMapping("/organizations/{org}/invites")
  @ResponseStatus(HttpStatus.CREATED)
  IssuedInviteView invite(@AuthenticationPrincipal Principal caller, @PathVariable String org,
      @RequestBody InviteBody body) {
    InviteRequest request = InviteRequest.to(body.email()).level(body.level() == null ? OrgLevel.MEMBER : body.level());
    for (InviteGrantBody grant : body.grants() == null ? List.<InviteGrantBody>of() : body.grants()) {
      request = request.grant(ProjectId.of(grant.project()), grant.role());
    }
    IssuedInvite issued = policy.invites().create(caller, OrgId.of(org), request);
    return new IssuedInviteView(InviteView.of(issued.invite()), issued.token());
  }

  @GetMapping("/organizations/{org}/invites")
  Map<String, List<InviteView>> invites(@AuthenticationPrincipal Principal caller, @PathVariable String org) {
    return Map.of("invites", policy.invites().listPending(caller, OrgId.of(org)).stream().map(InviteView::of).toList());
  }

  /** {@code {"token": "inv_…"}} in the body, never in the URL; the verified email is {@code X-User-Email}. */
  @PostMapping("/invites/accept")
  MembershipView accept(@AuthenticationPrincipal Principal caller, @RequestBody TokenBody body) {
    if (caller.apiKey().isPresent()) {
      throw new BadRequestException("api keys cannot accept invites; sign in as the user");
    }
    String email = caller.email()
        .orElseThrow(() -> new BadRequestException("accepting an invite needs the caller's verified email (X-User-Email)"))
        .value();
    return MembershipView.of(policy.invites().accept(body.token(), caller, email));
  }
}

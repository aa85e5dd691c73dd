package dev.warden.internal;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.ErrorCode;
import dev.warden.Expiry;
import dev.warden.Limits;
import dev.warden.NotFoundException;
import dev.warden.AuthMethod;
import dev.warden.PermissionDeniedException;
import dev.warden.Principal;
import dev.warden.audit.Change;
import dev.warden.internal.OrgState.ProjectState;
import dev.warden.invite.Invite;
import dev.warden.invite.InviteGrant;
import dev.warden.invite.InviteId;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.Invites;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.role.RoleId;
import dev.warden.role.RoleMember;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectRole;
import dev.warden.spi.MemberJoined;
import dev.warden.spi.Notifier;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Implements {@link Invites}. Tokens are 256 random bits, kept only as SHA-256 hashes. Not API. */
public final class InviteService implements Invites {
  private static final String TOKEN_PREFIX = "inv_";

  private final Engine engine;
  private final Reads reads;

  public InviteService(Engine engine, Reads reads) {
    this.engine = engine;
    this.reads = reads;
  }

  @Override
  public IssuedInvite create(Principal actor, OrgId organization, InviteRequest request) {
    checkNotNull(actor, "actor");
    checkNotNull(organization, "organization");
    checkNotNull(request, "request");
    return engine.mutate(organization, actor, "member.invited", request.email(), m -> {
      Membership me = m.requireOrg(Capability.INVITE_MEMBERS);
      MembershipRules.requireLevelWithinOwn(me, request.level(), "invite");
      MembershipRules.requireOwnershipAllows(m.decider().matrix().ownership(), request.level(),
          "invite at a lower level and transfer ownership");
      MembershipRules.requireNotActiveMember(m.state().memberByEmail(request.email()), m.now(), request.email());
      for (InviteGrant grant : request.inviteGrants()) {
        ProjectState project = m.requireProject(grant.project(), Capability.MANAGE_PROJECT_ACCESS);
        GrantService.requireRoleWithinOwn(m.decider().effectiveRole(m.state(), me, project), grant.role(), grant.project());
      }
      if (!request.roles().isEmpty()) {
        m.requireOrg(Capability.MANAGE_ROLES);
        for (RoleId role : request.roles()) {
          RoleService.requireMayAddTo(m, role);
        }
      }
      String token = Secrets.token(TOKEN_PREFIX, 32);
      Invite invite = new Invite(InviteId.of(Ids.next("inv")), organization, request.email(), request.level(),
          request.inviteGrants(), me.user(), m.now(), Limits.plus(m.now(), engine.inviteValidity()), Optional.empty(),
          List.copyOf(request.roles()));
      m.apply(new Write.InsertInvite(invite, Secrets.sha256(token)));
      m.audit("member.invited", null, invite.id(), Changes.diff()
          .field("email", null, invite.email())
          .field("level", null, invite.level())
          .field("grants", null, invite.grants())
          .field("roles", null, invite.roles().isEmpty() ? null : invite.roles())
          .secret("token", null, token)
          .toArray());
      return new IssuedInvite(invite, token);
    });
  }

  @Override
  public List<Invite> listPending(Principal actor, OrgId organization) {
    checkNotNull(actor, "actor");
    checkNotNull(organization, "organization");
    OrgState state = reads.org(actor, organization, Capability.VIEW_ORGANIZATION);
    Membership viewer = state.members().get(actor.userId());
    Instant now = engine.clock().instant();
    return engine.store().inTransaction(tx -> tx.invites().listUnused(organization)).stream()
        .filter(i -> i.pendingAt(now))
        .map(i -> withVisibleGrants(i, state, viewer))
        .toList();
  }

  /** The invite as {@code viewer} may see it: grants on projects hidden from them are left out. */
  private Invite withVisibleGrants(Invite invite, OrgState state, Membership viewer) {
    List<InviteGrant> visible = invite.grants().stream()
        .filter(g -> engine.decider().effectiveRole(state, viewer, state.projects().get(g.project())) != null)
        .toList();
    return visible.size() == invite.grants().size() ? invite : new Invite(invite.id(), invite.organization(),
        invite.email(), invite.level(), visible, invite.invitedBy(), invite.createdAt(), invite.expiresAt(),
        invite.acceptedAt(), invite.roles());
  }

  @Override
  public void revoke(Principal actor, OrgId organization, InviteId invite) {
    checkNotNull(actor, "actor");
    checkNotNull(organization, "organization");
    checkNotNull(invite, "invite");
    engine.mutate(organization, actor, "invite.revoked", invite, m -> {
      m.requireOrg(Capability.REVOKE_INVITES);
      Optional<Invite> found = m.read().invites().find(invite)
          .filter(i -> i.organization().equals(organization) && i.pendingAt(m.now()));
      if (found.isEmpty()) {
        throw inviteNotFound();
      }
      m.apply(new Write.DeleteInvite(invite));
      m.audit("invite.revoked", null, invite, Change.of("email", found.get().email(), null));
      return null;
    });
  }

  @Override
  public Membership accept(String token, Principal user, String verifiedEmail) {
    checkNotNull(token, "token");
    checkNotNull(user, "user");
    EmailAddress email = EmailAddress.of(checkNotNull(verifiedEmail, "verifiedEmail"));
    String hash = Secrets.sha256(token);
    Optional<Invite> located = engine.store().inTransaction(tx -> tx.invites().findByTokenHash(hash));
    if (located.isEmpty()) {
      throw inviteNotFound();
    }
    try {
      return engine.mutate(located.get().organization(), user, "member.joined", user.userId(), m -> accept(m, hash, email));
    } catch (NotFoundException e) {
      if (e.code() == ErrorCode.NOT_FOUND) {
        throw inviteNotFound(); // the organization was deleted meanwhile
      }
      throw e;
    }
  }

  private Membership accept(Mutation m, String hash, EmailAddress email) {
    Invite invite = m.read().invites().findByTokenHash(hash).orElseThrow(InviteService::inviteNotFound);
    if (!invite.email().equals(email)) {
      throw Errors.rule(ErrorCode.INVITE_WRONG_RECIPIENT, "this invite was issued to another email address");
    }
    if (Expiry.endedAt(invite.expiresAt(), m.now())) {
      throw Errors.rule(ErrorCode.INVITE_EXPIRED, "this invite expired at " + invite.expiresAt() + "; ask for a new one");
    }
    // Used or not is decided by the store's compare-and-set, here, before anything the snapshot says:
    // the snapshot is at the revision read under the organization's lock, and on H2 a plain read of
    // the invite row after that lock can still miss the consume committed with that very revision, so
    // a loser saw the winner's membership without its used invite (ALREADY_MEMBER instead of
    // INVITE_ALREADY_USED, issue 12). A refusal below rolls the consume back with everything else.
    if (invite.acceptedAt().isPresent() || !m.apply(new Write.ConsumeInvite(invite.id(), m.now()))) {
      throw Errors.rule(ErrorCode.INVITE_ALREADY_USED, "this invite has already been used");
    }
    if (MembershipRules.ssoRequired(m.state().organization().settings(), m.actor(), email)) {
      throw new PermissionDeniedException(ErrorCode.SSO_REQUIRED,
          "this organization requires single sign-on for " + email.domain() + "; sign in with SSO to accept");
    }
    OrgId org = invite.organization();
    Membership existing = m.state().members().get(m.actor().userId());
    MembershipRules.requireNotActiveMember(existing, m.now(), "user " + m.actor().userId());
    if (existing != null) {
      MemberService.delete(m, "member.expired", existing); // an expired, unswept membership and its stale grants
    }
    Membership joined = new Membership(org, m.actor().userId(), Optional.of(email), invite.level(), Optional.empty(),
        Optional.empty(), m.now(), Optional.of(invite.invitedBy()));
    m.apply(new Write.InsertMember(joined));
    m.audit("member.joined", null, joined.user(), Change.of("level", null, joined.level()),
        Change.of("invite", null, invite.id()));
    for (InviteGrant grant : invite.grants()) {
      if (m.state().projects().containsKey(grant.project())) {
        m.apply(new Write.UpsertGrant(new ProjectGrant(grant.project(), joined.user(), grant.role(), Optional.empty(),
            invite.invitedBy(), m.now())));
        m.audit("grant.changed", grant.project(), joined.user(), Change.of("role", null, grant.role()));
      }
    }
    for (RoleId role : invite.roles()) {
      if (m.state().roles().containsKey(role)) {
        m.apply(new Write.UpsertRoleMember(new RoleMember(role, joined.user(), Optional.empty(), invite.invitedBy(),
            m.now())));
        m.audit("role.member_added", null, role, Change.of("user", null, joined.user()));
      }
    }
    m.apply(new Write.DeleteUnusedInvites(org, email));
    // Listing the recipients is O(members): skipped when nobody is told (the default notifier).
    if (m.state().organization().settings().memberJoinedNotifications() && engine.notifier() != Notifier.NONE) {
      List<Membership> recipients = m.state().members().values().stream()
          .filter(x -> x.activeAt(m.now()) && !x.user().equals(joined.user()))
          .toList();
      MemberJoined event = new MemberJoined(m.state().organization(), joined, recipients);
      m.afterCommit(() -> engine.notifier().memberJoined(event));
    }
    return joined;
  }

  private static NotFoundException inviteNotFound() {
    return new NotFoundException(ErrorCode.INVITE_NOT_FOUND, "invite not found (unknown, replaced or revoked)");
  }
}

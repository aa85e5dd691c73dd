package dev.warden.internal;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.ErrorCode;
import dev.warden.Limits;
import dev.warden.Page;
import dev.warden.PageRequest;
import dev.warden.Principal;
import dev.warden.StorageException;
import dev.warden.apikey.ApiKeyId;
import dev.warden.organization.OffboardingReport;
import java.util.ArrayList;
import static com.google.common.base.Preconditions.checkArgument;
import dev.warden.audit.Change;
import dev.warden.matrix.Capability;
import dev.warden.organization.Members;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.resource.ResourceRef;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Implements {@link Members}: every membership and ownership rule. Not API. */
public final class MemberService implements Members {
  private final Engine engine;
  private final Reads reads;
  private final Listings listings;

  public MemberService(Engine engine, Reads reads, Listings listings) {
    this.engine = engine;
    this.reads = reads;
    this.listings = listings;
  }

  @Override
  public List<Membership> list(Principal actor, OrgId organization) {
    checkNotNull(actor, "actor");
    checkNotNull(organization, "organization");
    OrgState state = reads.org(actor, organization, Capability.VIEW_ORGANIZATION);
    Instant now = engine.clock().instant();
    return state.members().values().stream().filter(m -> m.activeAt(now)).toList();
  }

  @Override
  public Page<Membership> list(Principal actor, OrgId organization, PageRequest page) {
    checkNotNull(actor, "actor");
    checkNotNull(organization, "organization");
    checkNotNull(page, "page");
    OrgState state = reads.org(actor, organization, Capability.VIEW_ORGANIZATION);
    return listings.members(state, page.cursor().orElse(null), page.size());
  }

  @Override
  public Membership get(Principal actor, OrgId organization, UserId user) {
    checkNotNull(actor, "actor");
    checkNotNull(organization, "organization");
    checkNotNull(user, "user");
    OrgState state = reads.org(actor, organization, Capability.VIEW_ORGANIZATION);
    Membership m = engine.decider().activeMember(state, user, Trace.NONE);
    if (m == null) {
      throw notAMember(user);
    }
    return m;
  }

  @Override
  public Membership changeLevel(Principal actor, OrgId organization, UserId user, OrgLevel level) {
    checkNotNull(actor, "actor");
    checkNotNull(organization, "organization");
    checkNotNull(user, "user");
    checkNotNull(level, "level");
    return editOther(actor, organization, user, "member.level_changed", (m, me, target) -> {
      MembershipRules.requireLevelWithinOwn(me, level, "set a level");
      if (target.level() != OrgLevel.OWNER) {
        MembershipRules.requireOwnershipAllows(m.decider().matrix().ownership(), level,
            "use transferOwnership to make " + user + " the Owner");
      }
      if (target.level() == OrgLevel.OWNER && level != OrgLevel.OWNER && owners(m) < 2) {
        throw lastOwner();
      }
      if (level == OrgLevel.OWNER && target.expiresAt().isPresent()) {
        throw MembershipRules.ownerCannotExpire(user);
      }
      return target.level() == level ? target : replace(m, "member.level_changed", target, target.withLevel(level));
    });
  }

  @Override
  public void transferOwnership(Principal actor, OrgId organization, UserId newOwner) {
    checkNotNull(actor, "actor");
    checkNotNull(organization, "organization");
    checkNotNull(newOwner, "newOwner");
    mutate(organization, actor, "ownership.transferred", newOwner, m -> {
      Membership me = m.requireOrg(Capability.TRANSFER_OWNERSHIP);
      m.requireRecentAuthentication();
      if (newOwner.equals(me.user())) {
        throw Errors.rule(ErrorCode.TRANSFER_TO_SELF, "cannot transfer ownership to yourself");
      }
      Membership target = m.activeMember(newOwner);
      if (target.expiresAt().isPresent()) {
        throw MembershipRules.ownerCannotExpire(newOwner);
      }
      // Promote first, so the organization never lacks an Owner, even between the two writes.
      if (target.level() != OrgLevel.OWNER) {
        replace(m, "ownership.transferred", target, target.withLevel(OrgLevel.OWNER));
      }
      replace(m, "ownership.transferred", me, me.withLevel(OrgLevel.ADMIN));
      return null;
    });
  }

  @Override
  public void leave(Principal actor, OrgId organization) {
    checkNotNull(actor, "actor");
    checkNotNull(organization, "organization");
    mutate(organization, actor, "member.left", actor.userId(), m -> {
      Membership me = m.actorMember();
      MembershipRules.requireRemovable(me, "leave");
      m.requireOrg(Capability.LEAVE_ORGANIZATION);
      m.requireRecentAuthentication();
      delete(m, "member.left", me);
      return null;
    });
  }

  @Override
  public void remove(Principal actor, OrgId organization, UserId user) {
    checkNotNull(organization, "organization");
    checkNotNull(actor, "actor");
    checkNotNull(user, "user");
    if (user.equals(actor.userId())) {
      leave(actor, organization);
      return;
    }
    mutate(organization, actor, "member.removed", user, m -> {
      Membership me = m.requireOrg(Capability.REMOVE_MEMBERS);
      m.requireRecentAuthentication();
      Membership target = m.state().members().get(user);
      if (target == null) {
        throw notAMember(user);
      }
      MembershipRules.requireRemovable(target, "be removed");
      MembershipRules.requireTargetWithinOwn(me, target);
      delete(m, "member.removed", target);
      return null;
    });
  }

  @Override
  public Membership setExpiry(Principal actor, OrgId organization, UserId user, Instant expiresAt) {
    checkNotNull(actor, "actor");
    checkNotNull(organization, "organization");
    checkNotNull(user, "user");
    Limits.instant(expiresAt, "expiresAt"); // refused before any work, like every bad argument
    return editOther(actor, organization, user, "member.expiry_changed", (m, me, target) -> {
      if (target.level() == OrgLevel.OWNER) {
        throw MembershipRules.ownerCannotExpire(user);
      }
      Instant stored = m.requireFuture(expiresAt);
      return replace(m, "member.expiry_changed", target, target.withExpiresAt(Optional.of(stored)));
    });
  }

  @Override
  public Membership clearExpiry(Principal actor, OrgId organization, UserId user) {
    checkNotNull(user, "user");
    return editOther(actor, organization, user, "member.expiry_changed", (m, me, target) -> target.expiresAt().isEmpty()
        ? target : replace(m, "member.expiry_changed", target, target.withExpiresAt(Optional.empty())));
  }

  @Override
  public Membership setNote(Principal actor, OrgId organization, UserId user, String note) {
    checkNotNull(actor, "actor");
    checkNotNull(organization, "organization");
    checkNotNull(user, "user");
    Optional<String> normalized = Optional.of(Limits.note(note, "note")).filter(s -> !s.isEmpty());
    return mutate(organization, actor, "member.note_changed", user, m -> {
      Membership me = m.requireOrg(Capability.MANAGE_MEMBERS);
      Membership target = m.activeMember(user);
      MembershipRules.requireTargetWithinOwn(me, target);
      return target.note().equals(normalized) ? target : replace(m, "member.note_changed", target, target.withNote(normalized));
    });
  }

  @Override
  public OffboardingReport offboard(Principal actor, OrgId organization, UserId user, UserId transferTo) {
    checkNotNull(organization, "organization");
    checkNotNull(actor, "actor");
    checkNotNull(user, "user");
    checkNotNull(transferTo, "transferTo");
    checkArgument(!transferTo.equals(user), "transferTo must be someone other than the user being offboarded");
    return mutate(organization, actor, "member.offboarded", user, m -> {
      Membership me = m.requireOrg(Capability.REMOVE_MEMBERS);
      m.requireRecentAuthentication();
      if (user.equals(me.user())) {
        throw Errors.rule(ErrorCode.CANNOT_CHANGE_OWN_LEVEL, "cannot offboard yourself; leave instead");
      }
      Membership target = m.state().members().get(user);
      if (target == null) {
        throw notAMember(user);
      }
      MembershipRules.requireRemovable(target, "be offboarded");
      MembershipRules.requireTargetWithinOwn(me, target);
      m.activeMember(transferTo);
      Write.Removed removed = delete(m, "member.removed", target);
      List<ApiKeyId> revoked = new ArrayList<>();
      List<ApiKeyId> narrowed = new ArrayList<>();
      KeyNarrowing.offboard(m, user, revoked, narrowed);
      int transferred = 0;
      for (ResourceRef ref : m.state().resourcesCreatedBy(user)) {
        m.apply(new Write.UpdateResource(m.state().resources().get(ref).resource().withCreator(transferTo)));
        transferred++;
      }
      m.audit("resources.transferred", null, user, Change.of("creator", user, transferTo),
          Change.of("resources", null, transferred));
      return new OffboardingReport(organization, user, transferTo, removed.grants(), removed.resourceRules(),
          revoked, narrowed, transferred);
    });
  }



  /** A change to another member: the rules every level and expiry change shares. */
  private interface Edit {
    Membership apply(Mutation m, Membership me, Membership target);
  }

  private Membership editOther(Principal actor, OrgId organization, UserId user, String action, Edit edit) {
    checkNotNull(user, "user");
    return mutate(organization, actor, action, user, m -> {
      Membership me = m.requireOrg(Capability.MANAGE_MEMBERS);
      m.requireRecentAuthentication();
      Membership target = m.activeMember(user);
      if (user.equals(me.user())) {
        throw Errors.rule(ErrorCode.CANNOT_CHANGE_OWN_LEVEL, "cannot change your own level or expiry");
      }
      MembershipRules.requireTargetWithinOwn(me, target);
      return edit.apply(m, me, target);
    });
  }

  private <T> T mutate(OrgId organization, Principal actor, String action, Object target,
      java.util.function.Function<Mutation, T> work) {
    checkNotNull(organization, "organization");
    return engine.mutate(organization, actor, action, target, work);
  }

  private static long owners(Mutation m) {
    return m.state().owners();
  }

  /** Replaces a membership (compare-and-set) and audits the fields that changed. */
  private static Membership replace(Mutation m, String action, Membership current, Membership next) {
    if (!m.apply(new Write.ReplaceMember(current, next))) {
      throw next.level() != OrgLevel.OWNER && current.level() == OrgLevel.OWNER
          ? lastOwner()
          : new StorageException(ErrorCode.CONCURRENT_MODIFICATION, "membership changed concurrently; retry", null);
    }
    m.audit(action, null, current.user(), Changes.diff()
        .field("level", current.level(), next.level())
        .field("expiresAt", current.expiresAt().orElse(null), next.expiresAt().orElse(null))
        .field("note", current.note().orElse(null), next.note().orElse(null))
        .toArray());
    return next;
  }

  /**
   * Deletes a membership with the member's project grants and resource rules in the organization, and
   * audits it as {@code action}.
   */
  static Write.Removed delete(Mutation m, String action, Membership member) {
    Write.Removed removed = m.apply(new Write.RemoveMember(member.organization(), member.user()));
    if (!removed.removed()) {
      throw new StorageException(ErrorCode.CONCURRENT_MODIFICATION, "membership changed concurrently; retry", null);
    }
    m.audit(action, null, member.user(), Changes.diff()
        .field("level", member.level(), null)
        .field("grants", removed.grants(), 0)
        .field("resourceRules", removed.resourceRules(), 0)
        .toArray());
    return removed;
  }

  private static dev.warden.RuleViolationException notAMember(UserId user) {
    return Errors.notAMember(user);
  }

  private static dev.warden.RuleViolationException lastOwner() {
    return Errors.rule(ErrorCode.LAST_OWNER, "the organization must keep at least one Owner; promote another Owner first");
  }



}

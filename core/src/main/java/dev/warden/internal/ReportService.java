package dev.warden.internal;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.Expiry;
import dev.warden.Limits;
import dev.warden.Principal;
import dev.warden.apikey.ApiKey;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditQuery;
import dev.warden.audit.Change;
import dev.warden.matrix.Capability;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectRole;
import dev.warden.report.AccessRegistry;
import dev.warden.report.AccessReview;
import dev.warden.report.RegistryRole;
import dev.warden.resource.ResourceRule;
import dev.warden.role.RoleMember;
import dev.warden.report.RegistryEntry;
import dev.warden.report.Reports;
import dev.warden.spi.StoreOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Implements {@link Reports}. Not API. */
public final class ReportService implements Reports {
  private static final Comparator<RegistryEntry> BY_NAME =
      Comparator.comparing(RegistryEntry::name).thenComparing(e -> e.user().value());

  private final Engine engine;
  private final Reads reads;

  public ReportService(Engine engine, Reads reads) {
    this.engine = engine;
    this.reads = reads;
  }

  @Override
  public AccessRegistry registry(Principal actor, OrgId organization) {
    checkNotNull(actor, "actor");
    checkNotNull(organization, "organization");
    OrgState state = reads.org(actor, organization, Capability.MANAGE_MEMBERS);
    Instant now = engine.clock().instant();
    HighestRoles roles = new HighestRoles(state, engine.decider(), now);
    List<RegistryEntry> owners = new ArrayList<>();
    List<RegistryEntry> admins = new ArrayList<>();
    List<RegistryEntry> members = new ArrayList<>();
    List<RegistryEntry> viewers = new ArrayList<>();
    List<RegistryEntry> external = new ArrayList<>();
    for (Membership m : state.members().values()) {
      if (!m.activeAt(now)) {
        continue;
      }
      RegistryEntry entry = new RegistryEntry(m.user(), m.email(), m.note(), m.expiresAt());
      if (m.expiresAt().isPresent()) {
        external.add(entry);
      } else if (m.level() == OrgLevel.OWNER) {
        owners.add(entry);
      } else if (m.level() == OrgLevel.ADMIN) {
        admins.add(entry);
      } else if (roles.cappedAt(m, ProjectRole.MEMBER) == ProjectRole.VIEWER) {
        viewers.add(entry);
      } else {
        members.add(entry);
      }
    }
    for (List<RegistryEntry> section : List.of(owners, admins, members, viewers, external)) {
      section.sort(BY_NAME);
    }
    return new AccessRegistry(state.organization().name(), owners, admins, members, viewers, external,
        roles(state, now));
  }

  /** Every role, in creation order, with its active members (active in the organization and in the role). */
  private static List<RegistryRole> roles(OrgState state, Instant now) {
    List<RegistryRole> roles = new ArrayList<>();
    for (OrgState.RoleState r : state.roles().values()) {
      List<RegistryEntry> entries = new ArrayList<>();
      for (RoleMember rm : r.members().values()) {
        Membership m = state.members().get(rm.user());
        if (m != null && m.activeAt(now) && rm.activeAt(now)) {
          entries.add(new RegistryEntry(m.user(), m.email(), m.note(), rm.expiresAt()));
        }
      }
      entries.sort(BY_NAME);
      roles.add(new RegistryRole(r.role().id(), r.role().name(), entries));
    }
    return roles;
  }

  @Override
  public AccessReview review(Principal actor, OrgId organization, Duration expiringWithin, Duration keysUnusedFor) {
    checkNotNull(actor, "actor");
    checkNotNull(organization, "organization");
    checkNotNull(expiringWithin, "expiringWithin");
    checkNotNull(keysUnusedFor, "keysUnusedFor");
    checkArgument(!expiringWithin.isNegative() && !keysUnusedFor.isNegative(), "durations must not be negative");
    OrgState state = reads.org(actor, organization, Capability.MANAGE_MEMBERS);
    Instant now = engine.clock().instant();
    Instant soon = Limits.plus(now, expiringWithin);
    HighestRoles roles = new HighestRoles(state, engine.decider(), now);
    ByExpiry<Membership> memberships = new ByExpiry<>(now, soon);
    List<Membership> withoutProjects = new ArrayList<>();
    List<Membership> active = new ArrayList<>();
    int owners = 0;
    int admins = 0;
    for (Membership m : state.members().values()) {
      if (!memberships.file(m, m.expiresAt())) {
        continue;
      }
      active.add(m);
      owners += m.level() == OrgLevel.OWNER ? 1 : 0;
      admins += m.level() == OrgLevel.ADMIN ? 1 : 0;
      if (roles.cappedAt(m, ProjectRole.VIEWER) == null) {
        withoutProjects.add(m);
      }
    }
    ByExpiry<ProjectGrant> grants = new ByExpiry<>(now, soon);
    state.forEachTimedGrant(g -> grants.file(g, g.expiresAt()));
    Comparator<ProjectGrant> byUserThenProject = userThenProject(state);
    grants.expired.sort(byUserThenProject);
    grants.expiring.sort(byUserThenProject);
    Instant unusedSince = Limits.minus(now, keysUnusedFor);
    List<UserId> users = active.stream().map(Membership::user).toList();
    List<ApiKey> unusedKeys = engine.store().inTransaction(tx -> tx.apiKeys().listByUsers(users)).stream()
        .filter(k -> k.organizations().isEmpty() || k.organizations().contains(organization))
        .filter(k -> !k.lastUsedAt().orElse(k.createdAt()).isAfter(unusedSince))
        .toList();
    List<AuditEntry> last = engine.store().inTransaction(tx -> tx.audit().query(
        AuditQuery.organization(organization).action("access_review.recorded"), Optional.empty(), 1));
    ByExpiry<RoleMember> places = new ByExpiry<>(now, soon);
    for (OrgState.RoleState r : state.roles().values()) {
      r.members().values().forEach(rm -> places.file(rm, rm.expiresAt()));
    }
    return new AccessReview(organization, now, memberships.expired, grants.expired, memberships.expiring,
        grants.expiring, withoutProjects, unusedKeys, owners, admins, last.stream().findFirst().map(AuditEntry::at),
        places.expired, places.expiring, roles(state, now), shares(state));
  }

  /** Every share of the organization's resources: by resource (the store's resource order), then user id. */
  private static List<ResourceRule> shares(OrgState state) {
    List<ResourceRule> shares = new ArrayList<>();
    state.sharedResources().stream()
        .map(state.resources()::get)
        .sorted(Comparator.comparing(OrgState.ResourceState::resource, StoreOrder.RESOURCES))
        .forEach(r -> r.memberRules().keySet().stream().filter(r.shares()::containsKey)
            .forEach(user -> shares.add(r.memberRule(user))));
    return shares;
  }

  /** Files what carries an expiry as expired or as expiring soon: the review's two lists of each kind. */
  private static final class ByExpiry<T> {
    final List<T> expired = new ArrayList<>();
    final List<T> expiring = new ArrayList<>();
    private final Instant now;
    private final Instant soon;

    ByExpiry(Instant now, Instant soon) {
      this.now = now;
      this.soon = soon;
    }

    /** Files {@code item} by its expiry; returns whether it is still active. */
    boolean file(T item, Optional<Instant> expiresAt) {
      if (!Expiry.activeAt(expiresAt, now)) {
        expired.add(item);
        return false;
      }
      if (expiresAt.isPresent() && expiresAt.get().isBefore(soon)) {
        expiring.add(item);
      }
      return true;
    }
  }

  /**
   * Orders grants by user id, then by their project's place in creation order. Only called on the
   * expired and expiring grants, so the positions are looked up for those alone.
   */
  private static Comparator<ProjectGrant> userThenProject(OrgState state) {
    Comparator<ProjectGrant> byProject = Comparator.comparing(g -> state.projects().get(g.project()).project(),
        StoreOrder.PROJECTS);
    return Comparator.comparing(ProjectGrant::user, StoreOrder.USERS).thenComparing(byProject);
  }

  @Override
  public void recordReview(Principal actor, OrgId organization, String note) {
    checkNotNull(actor, "actor");
    checkNotNull(organization, "organization");
    Optional<String> text = Optional.of(Limits.note(note, "note")).filter(s -> !s.isEmpty());
    engine.mutate(organization, actor, "access_review.recorded", organization, m -> {
      m.requireOrg(Capability.MANAGE_MEMBERS);
      m.audit("access_review.recorded", null, organization, Change.of("note", null, text.orElse(null)));
      return null;
    });
  }
}

package dev.warden.internal;

import com.google.common.collect.Iterators;
import dev.warden.Decision;
import dev.warden.Page;
import dev.warden.Principal;
import dev.warden.internal.OrgState.ProjectState;
import dev.warden.internal.OrgState.ResourceState;
import dev.warden.matrix.Capability;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.project.VisibleProject;
import dev.warden.report.AccessEntry;
import dev.warden.report.AccessHolder;
import dev.warden.role.RoleGrant;
import dev.warden.role.RoleId;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.Resource;
import dev.warden.resource.ResourceRef;
import dev.warden.resource.VisibleResource;
import dev.warden.spi.StoreOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Listings read from published snapshots, and the one way they page: each page continues strictly after
 * the last item of the previous one (never an offset), so items that stay put are neither skipped nor
 * repeated, and nothing is silently truncated. Projects and resources page in creation order
 * ({@link CreationCursor}); {@code whoCan} pages in user-id order, its cursor being the last user id.
 * A page costs in proportion to what it walks from its cursor, not to the organization: it seeks to
 * the cursor in the snapshot's ordered indexes and stops once the page is full. Thread-safe. Not API.
 */
public final class Listings {
  /** Each role as an {@code Optional}, shared by every holder rather than allocated for each. */
  private static final List<Optional<ProjectRole>> ROLES =
      Stream.of(ProjectRole.values()).map(Optional::of).toList();
  private static final Comparator<Membership> BY_USER = Comparator.comparing(Membership::user, StoreOrder.USERS);

  private final Engine engine;

  Listings(Engine engine) {
    this.engine = engine;
  }

  /**
   * One page of the projects {@code principal} can see in the organization (an API key: within its
   * limits), in creation order, with the effective role and where it comes from. Seeks to the cursor,
   * then walks forward until the page is full (and one more visible project says whether a next page
   * exists).
   *
   * @param cursor where the previous page ended, or null for the first page
   * @throws dev.warden.NotFoundException if the organization is missing or hidden from the principal
   * @throws IllegalArgumentException if the cursor is malformed
   */
  public Page<VisibleProject> visibleProjects(Principal principal, OrgId organization, String cursor, int limit) {
    Decider decider = engine.decider();
    OrgState state = engine.cache().get(organization);
    Membership member = decider.activeMember(state, principal.userId(), Trace.NONE);
    if (member == null || !Decider.keyReaches(principal, organization)) {
      throw Hidden.notFound("organization");
    }
    Decision gate = decider.gates(principal, member, state, null, Trace.NONE);
    if (gate != null) {
      throw Errors.refused(gate, "organization");
    }
    Project after = cursor == null ? null : position(organization, cursor);
    // A Member sees a private project only through a grant, own or a role's, so their walk skips the
    // others; the decider decides on each project walked (a grant may have expired).
    Iterator<ProjectState> walk = member.level().atLeast(OrgLevel.ADMIN) ? state.projectsAfter(after)
        : state.projectsOpenToAfter(member.user(), after);
    return page(walk, limit,
        p -> {
          Decider.Access access = decider.resolve(state, member, p, Trace.NONE);
          return access == Decider.Access.NONE || !Decider.keyReaches(principal, p) ? null
              : new VisibleProject(p.project(), access.role, access.reason);
        },
        v -> CreationCursor.encode(v.project().createdAt(), v.project().id().value()));
  }

  /**
   * The position a creation-order cursor names, as a project to seek after (only its {@code createdAt}
   * and id count, {@link StoreOrder#PROJECTS}); the project itself may have been deleted since.
   */
  private static Project position(OrgId organization, String cursor) {
    CreationCursor at = CreationCursor.parse(cursor);
    try {
      Project p = new Project(ProjectId.of(at.id()), organization, "cursor", Visibility.OPEN, ProjectRole.MEMBER,
          "phc_cursor", at.createdAt());
      // Projects are created to the microsecond, and so are the cursors Warden makes.
      if (!p.createdAt().equals(at.createdAt())) {
        throw new IllegalArgumentException("instant finer than a microsecond");
      }
      return p;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cursor is malformed: " + cursor, e);
    }
  }

  /**
   * One page of the resources of one kind in a project that {@code principal} sees at {@code atLeast}
   * or above, in creation order, with the principal's level on each.
   *
   * @throws dev.warden.NotFoundException if the project is missing or hidden from the principal
   */
  public Page<VisibleResource> visibleResources(Principal principal, ProjectId project, String kind,
      AccessLevel atLeast, String cursor, int limit) {
    Decider decider = engine.decider();
    OrgState state = engine.cache().forProject(project);
    ProjectState p = state == null ? null : state.projects().get(project);
    Membership me = p == null ? null : decider.activeMember(state, principal.userId(), Trace.NONE);
    Hidden.requireRole(decider, principal, state, me, p);
    Decision gate = decider.gates(principal, me, state, p, Trace.NONE);
    if (gate != null) {
      throw Errors.refused(gate, "project");
    }
    CreationCursor after = cursor == null ? null : CreationCursor.parse(cursor);
    return page(state.resourcesAfter(project, kind, after), limit,
        r -> {
          AccessLevel level = decider.level(state, me, p, r, Trace.NONE);
          Resource res = r.resource();
          return level.atLeast(atLeast) ? new VisibleResource(res, level) : null;
        },
        v -> CreationCursor.encode(v.resource().createdAt(), v.resource().ref().id()));
  }

  /**
   * One page of the organization's active members in user-id order, strictly after the user id
   * {@code cursor} (null: from the first); the caller has authorized the read.
   *
   * @throws IllegalArgumentException if the cursor is malformed
   */
  public Page<Membership> members(OrgState state, String cursor, int limit) {
    return activePage(state.membersAfter(userCursor(cursor)), limit, m -> m, m -> m.user().value());
  }

  /**
   * One page of the project's grants (expired ones included) in user-id order, strictly after the user
   * id {@code cursor} (null: from the first); the caller has authorized the read.
   *
   * @throws IllegalArgumentException if the cursor is malformed
   */
  public Page<ProjectGrant> grants(ProjectState project, String cursor, int limit) {
    return page(project.grantsAfter(userCursor(cursor)), limit, g -> g, g -> g.user().value());
  }

  // ------------------------------------------------------------------------------------------ whoCan

  /**
   * One page of the active members holding the organization capability, in user-id order. With an
   * {@code actor}, the actor must hold {@code VIEW_ORGANIZATION} there (what listing the members
   * takes); a null actor is the host's unauthorized call. Walks every member from the cursor when
   * the Member level or some role holds the capability, else only the Admins and Owners.
   *
   * @throws dev.warden.NotFoundException if the organization is missing or hidden from the actor
   * @throws dev.warden.PermissionDeniedException if the actor sees it but may not list its members
   */
  public Page<AccessHolder> whoCan(Principal actor, Capability capability, OrgId organization, String cursor,
      int limit) {
    Decider decider = engine.decider();
    OrgState state = engine.cache().get(organization);
    if (actor != null) {
      refuseUnless(decider.org(actor, Capability.VIEW_ORGANIZATION, state, Trace.NONE), "organization");
    } else if (state == null) {
      throw Hidden.notFound("organization");
    }
    UserId after = userCursor(cursor);
    Iterator<Membership> candidates =
        decider.levelAllows(OrgLevel.MEMBER, capability, state.organization().settings())
            || state.anyRoleCarries(capability) ? state.membersAfter(after) : state.adminsAfter(after);
    return holders(candidates, limit, m -> {
      Decision d = decider.level(m, capability, state, Trace.NONE);
      return d.allowed() ? new AccessHolder(m.user(), m.level(), Optional.empty(), d.reason()) : null;
    });
  }

  /**
   * One page of the active members holding the project capability on {@code project}, in user-id
   * order, with their effective role. With an {@code actor}, the actor must hold
   * {@code MANAGE_PROJECT_ACCESS} on the project (what listing its grants takes); a null actor is the
   * host's unauthorized call. See {@link #candidates} for what a page walks.
   *
   * @throws dev.warden.NotFoundException if the project is missing or hidden from the actor
   * @throws dev.warden.PermissionDeniedException if the actor sees it but may not manage its access
   */
  public Page<AccessHolder> whoCan(Principal actor, Capability capability, ProjectId project, String cursor,
      int limit) {
    Decider decider = engine.decider();
    OrgState state = engine.cache().forProject(project);
    ProjectState p = accessManagedProject(actor, state, project);
    return holders(candidates(state, p, capability, userCursor(cursor)), limit, m -> {
      Decision d = decider.role(state, m, capability, p, Trace.NONE);
      return d.allowed() ? holder(state, m, p, d) : null;
    });
  }

  /**
   * One page of the active members holding the project capability on one resource, in user-id order.
   * With an {@code actor}, the actor must hold {@code MANAGE_PROJECT_ACCESS} on the resource (a
   * project Admin who can see it); a null actor is the host's unauthorized call.
   *
   * @throws dev.warden.NotFoundException if the resource is missing or hidden from the actor
   * @throws dev.warden.PermissionDeniedException if the actor sees it but may not manage its access
   */
  public Page<AccessHolder> whoCan(Principal actor, Capability capability, ResourceRef resource, String cursor,
      int limit) {
    Decider decider = engine.decider();
    OrgState state = engine.cache().forProject(resource.project());
    ResourceState r = accessManagedResource(actor, state, resource);
    ProjectState p = state.projects().get(resource.project());
    return holders(candidates(state, p, r, capability, userCursor(cursor)), limit, m -> {
      Decision project = decider.role(state, m, capability, p, Trace.NONE);
      Decision d = project.outcome() == Decision.Outcome.NOT_FOUND
          ? decider.shareDecision(m, capability, r, Trace.NONE)
          : decider.resourceDecision(state, m, capability, p, r, project, Trace.NONE);
      return d.allowed()
          ? new AccessHolder(m.user(), m.level(), ROLES.get(decider.roleOn(state, m, p, r).ordinal()), d.reason())
          : null;
    });
  }

  /**
   * One page of the active members with access to the project, in user-id order, each with their
   * effective role and its {@link dev.warden.report.AccessSource}. Authorized like {@code whoCan} on
   * the project; walks the same candidates as {@code whoCan(VIEW_DATA)}.
   */
  public Page<AccessEntry> whoHasAccess(Principal actor, ProjectId project, String cursor, int limit) {
    OrgState state = engine.cache().forProject(project);
    ProjectState p = accessManagedProject(actor, state, project);
    return entries(candidates(state, p, Capability.VIEW_DATA, userCursor(cursor)), limit,
        m -> engine.decider().entry(state, m, p));
  }

  /**
   * One page of the active members who see the resource, in user-id order, each with their access
   * level and its {@link dev.warden.report.AccessSource}. Authorized like {@code whoCan} on the resource.
   */
  public Page<AccessEntry> whoHasAccess(Principal actor, ResourceRef resource, String cursor, int limit) {
    Decider decider = engine.decider();
    OrgState state = engine.cache().forProject(resource.project());
    ResourceState r = accessManagedResource(actor, state, resource);
    ProjectState p = state.projects().get(resource.project());
    return entries(candidates(state, p, r, Capability.VIEW_DATA, userCursor(cursor)), limit,
        m -> decider.entry(state, m, p, r));
  }

  /**
   * The project, on which {@code actor} must hold {@code MANAGE_PROJECT_ACCESS} (what listing who has
   * access takes); a null actor is the host's unauthorized call, for which it need only exist.
   */
  private ProjectState accessManagedProject(Principal actor, OrgState state, ProjectId project) {
    ProjectState p = state == null ? null : state.projects().get(project);
    if (actor != null) {
      refuseUnless(p == null ? Decision.notFound()
          : engine.decider().project(actor, Capability.MANAGE_PROJECT_ACCESS, state, p, Trace.NONE), "project");
    } else if (p == null) {
      throw Hidden.notFound("project");
    }
    return p;
  }

  /** Like {@link #accessManagedProject}, for a resource (a project Admin who can see it). */
  private ResourceState accessManagedResource(Principal actor, OrgState state, ResourceRef resource) {
    ProjectState p = state == null ? null : state.projects().get(resource.project());
    ResourceState r = p == null ? null : state.resources().get(resource);
    if (actor != null) {
      refuseUnless(p == null ? Decision.notFound()
          : engine.decider().resource(actor, Capability.MANAGE_PROJECT_ACCESS, state, resource, Trace.NONE),
          "resource");
    } else if (r == null) {
      throw Hidden.notFound("resource");
    }
    return r;
  }

  /** The page of entries among active {@code candidates}, its cursor the last entry's user id. */
  private Page<AccessEntry> entries(Iterator<Membership> candidates, int limit, Function<Membership, AccessEntry> entry) {
    return activePage(candidates, limit, entry, e -> e.user().value());
  }

  private static void refuseUnless(Decision d, String what) {
    if (!d.allowed()) {
      throw Errors.refused(d, what);
    }
  }

  /**
   * A member allowed by {@code d}, with their effective role on the project (the role the allowing
   * project decision came from).
   */
  private AccessHolder holder(OrgState state, Membership m, ProjectState p, Decision d) {
    return new AccessHolder(m.user(), m.level(), ROLES.get(engine.decider().effectiveRole(state, m, p).ordinal()),
        d.reason());
  }

  /**
   * Who may hold {@code capability} on the project, in user-id order after {@code after}: every member
   * when the project is open and its default role holds the capability (a page walks members from the
   * cursor); otherwise only org Admins and Owners (implicit project Admins), the project's grantees and
   * the members of the roles with a grant on it can, so a page merges those lists from the cursor and
   * never walks the other members.
   */
  private Iterator<Membership> candidates(OrgState state, ProjectState p, Capability capability, UserId after) {
    if (p.project().visibility() == Visibility.OPEN
        && engine.decider().matrix().allows(p.project().defaultRole(), capability)) {
      return state.membersAfter(after);
    }
    Iterator<Membership> candidates =
        new Merged<>(state.adminsAfter(after), membersAmong(state, p.grants().keySet().iterator(), after, u -> true),
            BY_USER);
    for (Map.Entry<RoleId, RoleGrant> grant : p.roleGrants()) {
      candidates = new Merged<>(candidates,
          membersAmong(state, state.roles().get(grant.getKey()).members().keySet().iterator(), after, u -> true),
          BY_USER);
    }
    return candidates;
  }

  /** The members among {@code users} (in user-id order) after {@code after} whom {@code keep} accepts. */
  private static Iterator<Membership> membersAmong(OrgState state, Iterator<UserId> users, UserId after,
      Predicate<UserId> keep) {
    return Iterators.filter(
        Iterators.transform(
            Iterators.filter(users, u -> (after == null || StoreOrder.USERS.compare(u, after) > 0) && keep.test(u)),
            u -> state.members().get(u)),
        m -> m != null);
  }

  /**
   * Who may hold {@code capability} on the resource, in user-id order after {@code after}: the
   * project's {@link #candidates} and the members the resource is shared with.
   */
  private Iterator<Membership> candidates(OrgState state, ProjectState p, ResourceState r, Capability capability,
      UserId after) {
    return new Merged<>(candidates(state, p, capability, after),
        membersAmong(state, r.memberRules().keySet().iterator(), after, r.shares()::containsKey), BY_USER);
  }

  /** The page of holders among active {@code candidates}, its cursor the last holder's user id. */
  private Page<AccessHolder> holders(Iterator<Membership> candidates, int limit,
      Function<Membership, AccessHolder> holder) {
    return activePage(candidates, limit, holder, h -> h.user().value());
  }

  /** The page of what {@code item} gives (non-null) for the members among {@code candidates} active now. */
  private <V> Page<V> activePage(Iterator<Membership> candidates, int limit, Function<Membership, V> item,
      Function<V, String> cursorOf) {
    Instant now = engine.decider().now();
    return page(candidates, limit, m -> m.activeAt(now) ? item.apply(m) : null, cursorOf);
  }

  /** @throws IllegalArgumentException if {@code cursor} is not a user id */
  private static UserId userCursor(String cursor) {
    if (cursor == null) {
      return null;
    }
    try {
      return UserId.of(cursor);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cursor is malformed: " + cursor, e);
    }
  }

  /**
   * The paging every listing shares: walks {@code after} (already past the cursor, in the list's
   * order), keeps what {@code visible} maps to non-null, and stops after {@code limit} items, with the
   * cursor of the last one if another visible item follows.
   */
  static <T, V> Page<V> page(Iterator<T> after, int limit, Function<T, V> visible, Function<V, String> cursorOf) {
    List<V> items = new ArrayList<>(Math.min(limit, 1024));
    while (after.hasNext()) {
      V v = visible.apply(after.next());
      if (v == null) {
        continue;
      }
      if (items.size() == limit) {
        return new Page<>(items, Optional.of(cursorOf.apply(items.get(limit - 1))));
      }
      items.add(v);
    }
    return new Page<>(items, Optional.empty());
  }
}

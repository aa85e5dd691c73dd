package dev.warden.internal;

import dev.warden.Decision;
import dev.warden.Page;
import dev.warden.Principal;
import dev.warden.Reason;
import dev.warden.internal.OrgState.ProjectState;
import dev.warden.internal.OrgState.ResourceState;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.project.ProjectId;
import dev.warden.project.VisibleProject;
import dev.warden.resource.AccessLevel;
import dev.warden.resource.Resource;
import dev.warden.resource.VisibleResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Listings of what a principal can see, read from published snapshots, and the one way they page: in
 * creation order ({@link CreationCursor}), each page continuing strictly after the last item of the
 * previous one, never silently truncated. Thread-safe. Not API.
 */
public final class Listings {
  private final Engine engine;

  Listings(Engine engine) {
    this.engine = engine;
  }

  /**
   * One page of the projects {@code principal} can see in the organization (an API key: within its
   * limits), in creation order, with the effective role and where it comes from.
   *
   * @param cursor where the previous page ended, or null for the first page
   * @throws dev.warden.NotFoundException if the organization is missing or hidden from the principal
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
    return page(state.projects().values(), cursor, limit,
        p -> new CreationCursor(p.project().createdAt(), p.project().id().value()),
        p -> {
          Reason source = decider.access(member, p, Trace.NONE);
          return source == Reason.NOT_FOUND || !Decider.keyReaches(principal, p) ? null
              : new VisibleProject(p.project(), Decider.role(source, member, p), source);
        });
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
    Hidden.requireRole(decider, principal, me, p);
    Decision gate = decider.gates(principal, me, state, p, Trace.NONE);
    if (gate != null) {
      throw Errors.refused(gate, "project");
    }
    List<ResourceState> ofKind = state.resources().values().stream()
        .filter(r -> r.resource().ref().project().equals(project) && r.resource().ref().kind().equals(kind))
        .toList();
    return page(ofKind, cursor, limit, r -> new CreationCursor(r.resource().createdAt(), r.resource().ref().id()),
        r -> {
          AccessLevel level = decider.level(me, p, r, Trace.NONE);
          Resource res = r.resource();
          return level.atLeast(atLeast) ? new VisibleResource(res, level) : null;
        });
  }

  /**
   * The paging every listing shares: walks {@code all} (in creation order) strictly after
   * {@code cursor}, keeps what {@code visible} maps to non-null, and stops after {@code limit} items,
   * with a cursor to the next page if there is more.
   */
  static <T, V> Page<V> page(Iterable<T> all, String cursor, int limit, Function<T, CreationCursor> position,
      Function<T, V> visible) {
    CreationCursor after = cursor == null ? null : CreationCursor.parse(cursor);
    List<V> items = new ArrayList<>();
    CreationCursor last = null;
    for (T t : all) {
      CreationCursor at = position.apply(t);
      if (after != null && !after.isBefore(at.createdAt(), at.id())) {
        continue;
      }
      V v = visible.apply(t);
      if (v == null) {
        continue;
      }
      if (items.size() == limit) {
        return new Page<>(items, Optional.of(CreationCursor.encode(last.createdAt(), last.id())));
      }
      items.add(v);
      last = at;
    }
    return new Page<>(items, Optional.empty());
  }
}

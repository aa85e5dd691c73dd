package dev.warden.internal;

import dev.warden.organization.OrgId;
import dev.warden.project.Project;
import dev.warden.project.ProjectId;
import dev.warden.spi.Store;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The published snapshot of every organization the policy has touched, and which organization each
 * project belongs to. Reads are lock-free map lookups; a newer revision always replaces an older one.
 * Thread-safe. Not API.
 */
public final class StateCache {
  private final Store store;
  private final Map<OrgId, OrgState> states = new ConcurrentHashMap<>();
  private final Map<ProjectId, OrgId> projectOrgs = new ConcurrentHashMap<>();

  public StateCache(Store store) {
    this.store = store;
  }

  /** The snapshot of {@code org}, loading it on first use; null if it does not exist. */
  public OrgState get(OrgId org) {
    OrgState state = states.get(org);
    return state != null ? state : load(org);
  }

  /** The snapshot of the organization owning {@code project}; null if the project does not exist. */
  public OrgState forProject(ProjectId project) {
    OrgId org = projectOrgs.get(project);
    if (org == null) {
      Optional<Project> found = store.inTransaction(tx -> tx.projects().find(project));
      if (found.isEmpty()) {
        return null;
      }
      org = found.get().organization();
    }
    return get(org);
  }

  /** The cached snapshot if it is at {@code revision}, else null. */
  OrgState cachedAt(OrgId org, long revision) {
    OrgState state = states.get(org);
    return state != null && state.revision() == revision ? state : null;
  }

  private OrgState load(OrgId org) {
    OrgState loaded = store.inTransaction(tx -> {
      OptionalLong revision = tx.organizations().lock(org);
      return revision.isEmpty() ? null : OrgState.load(tx, org, revision.getAsLong()).orElse(null);
    });
    if (loaded != null) {
      publish(loaded);
    }
    return loaded;
  }

  /** Publishes {@code state} unless a newer revision is already published. */
  public void publish(OrgState state) {
    OrgState[] previous = new OrgState[1];
    OrgState winner = states.compute(state.id(), (id, old) -> {
      previous[0] = old;
      return old == null || state.revision() >= old.revision() ? state : old;
    });
    if (winner == state) {
      for (ProjectId p : state.projects().keySet()) {
        projectOrgs.put(p, state.id());
      }
      if (previous[0] != null) {
        for (ProjectId p : previous[0].projects().keySet()) {
          if (!state.projects().containsKey(p)) {
            projectOrgs.remove(p, state.id());
          }
        }
      }
    }
  }

  /** Forgets a deleted organization and its projects. */
  public void evict(OrgId org) {
    OrgState old = states.remove(org);
    if (old != null) {
      for (ProjectId p : old.projects().keySet()) {
        projectOrgs.remove(p, org);
      }
    }
  }
}

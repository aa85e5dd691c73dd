package dev.warden.internal;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.Decision;
import dev.warden.Principal;
import dev.warden.internal.OrgState.ProjectState;
import dev.warden.matrix.Capability;
import dev.warden.organization.OrgId;
import dev.warden.project.ProjectId;

/**
 * Authorized reads of published snapshots for the facades' listing methods: decide, then return the
 * snapshot or throw as a mutation would. Not API.
 */
public final class Reads {
  private final Engine engine;

  public Reads(Engine engine) {
    this.engine = engine;
  }

  /** The organization's snapshot, if {@code actor} holds the organization capability there. */
  public OrgState org(Principal actor, OrgId org, Capability capability) {
    checkNotNull(actor, "actor");
    checkNotNull(org, "organization");
    OrgState state = engine.cache().get(org);
    Decision d = engine.decider().org(actor, capability, state, Trace.NONE);
    if (!d.allowed()) {
      throw Errors.refused(d, "organization");
    }
    return state;
  }

  /** The project's snapshot, if {@code actor} holds the project capability on it. */
  public ProjectState project(Principal actor, ProjectId project, Capability capability) {
    checkNotNull(actor, "actor");
    checkNotNull(project, "project");
    OrgState state = engine.cache().forProject(project);
    ProjectState p = state == null ? null : state.projects().get(project);
    Decision d = p == null ? Decision.notFound() : engine.decider().project(actor, capability, state, p, Trace.NONE);
    if (!d.allowed()) {
      throw Errors.refused(d, "project");
    }
    return p;
  }
}

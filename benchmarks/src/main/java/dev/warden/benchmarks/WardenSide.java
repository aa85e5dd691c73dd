package dev.warden.benchmarks;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.Principal;
import dev.warden.benchmarks.DataSet.Member;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.Organization;
import dev.warden.organization.OrganizationSettings;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Loads a {@link DataSet} into Warden and answers the request mix. Two ways in: straight through the
 * store SPI ({@link #load}, what benchmarks use) and through the public API, mutation by mutation
 * ({@link #loadThroughApi}, measured by {@link LoadTimes} because each mutation republishes the
 * organization's snapshot).
 */
public final class WardenSide {
  private final AccessPolicy policy;
  private final Principal[] principals;
  private final Capability[] capabilities;
  private final ProjectId[] projects;
  private final OrgId[] orgs;

  private WardenSide(AccessPolicy policy, List<DataSet.Request> mix) {
    this.policy = policy;
    int n = mix.size();
    principals = new Principal[n];
    capabilities = new Capability[n];
    projects = new ProjectId[n];
    orgs = new OrgId[n];
    for (int i = 0; i < n; i++) {
      DataSet.Request r = mix.get(i);
      principals[i] = Principal.user(r.user());
      capabilities[i] = r.capability();
      projects[i] = r.project();
      orgs[i] = r.org();
    }
  }

  /**
   * Loads {@code data} into a new {@link InMemoryStore} through its SPI, in one transaction per
   * organization, builds the policy over it and warms the snapshot of the mix's organization.
   */
  public static WardenSide load(DataSet data) {
    return load(data, data.mix());
  }

  /** Like {@link #load(DataSet)}, answering {@code requests} (e.g. the realistic mix) by index. */
  public static WardenSide load(DataSet data, List<DataSet.Request> requests) {
    InMemoryStore store = InMemoryStore.create();
    Instant created = data.generatedAt().minusSeconds(86_400);
    Map<OrgId, UserId> owners = new HashMap<>();
    for (Member m : data.members()) {
      if (m.level() == OrgLevel.OWNER) {
        owners.put(m.org(), m.user());
      }
    }
    int projectCursor = 0;
    int memberCursor = 0;
    int grantCursor = 0;
    Map<ProjectId, OrgId> projectOrg = new HashMap<>();
    for (DataSet.Project p : data.projects()) {
      projectOrg.put(p.id(), p.org());
    }
    for (DataSet.Org org : data.orgs()) {
      int firstMember = memberCursor;
      while (memberCursor < data.members().size() && data.members().get(memberCursor).org().equals(org.id())) {
        memberCursor++;
      }
      int firstProject = projectCursor;
      while (projectCursor < data.projects().size() && data.projects().get(projectCursor).org().equals(org.id())) {
        projectCursor++;
      }
      int firstGrant = grantCursor;
      while (grantCursor < data.grants().size()
          && projectOrg.get(data.grants().get(grantCursor).project()).equals(org.id())) {
        grantCursor++;
      }
      List<Member> members = data.members().subList(firstMember, memberCursor);
      List<DataSet.Project> projects = data.projects().subList(firstProject, projectCursor);
      List<DataSet.Grant> grants = data.grants().subList(firstGrant, grantCursor);
      UserId owner = owners.get(org.id());
      store.inTransaction(tx -> {
        tx.organizations().insert(new Organization(org.id(), "Organization " + org.index(), created,
            OrganizationSettings.defaults()));
        for (Member m : members) {
          tx.memberships().insert(new Membership(m.org(), m.user(), Optional.empty(),
              m.level(), Optional.empty(), m.expiresAt(), created, m.level() == OrgLevel.OWNER
                  ? Optional.empty() : Optional.of(owner)));
        }
        for (DataSet.Project p : projects) {
          tx.projects().insert(new Project(p.id(), p.org(), "Project " + p.index(), p.visibility(), p.defaultRole(),
              "phc_" + p.id().value(), created.plusMillis(p.index())));
        }
        for (DataSet.Grant g : grants) {
          tx.grants().upsert(new ProjectGrant(g.project(), g.user(), g.role(), g.expiresAt(), owner, created));
        }
        return null;
      });
    }
    AccessPolicy policy = AccessPolicy.builder().store(store).build();
    WardenSide side = new WardenSide(policy, requests);
    for (int i = 0; i < requests.size(); i++) {
      side.check(i); // loads the snapshot lazily, as the first check of a real host would
    }
    return side;
  }

  /** The policy the data was loaded into. */
  public AccessPolicy policy() {
    return policy;
  }

  /** The same policy answering {@code requests} by index. */
  public WardenSide answering(List<DataSet.Request> requests) {
    return new WardenSide(policy, requests);
  }

  /** Decides request {@code i} of the mix. */
  public Decision check(int i) {
    ProjectId project = projects[i];
    return project != null
        ? policy.check(principals[i], capabilities[i], project)
        : policy.check(principals[i], capabilities[i], orgs[i]);
  }

  /** Decides an arbitrary request (for agreement tests; not a hot path). */
  public Decision check(UserId user, Capability capability, OrgId org, ProjectId project) {
    Principal p = Principal.user(user);
    return project != null ? policy.check(p, capability, project) : policy.check(p, capability, org);
  }

  /**
   * What loading one organization through the public API took, phase by phase; a phase that ran out
   * of budget stopped early, and {@code loaded} says how far it got.
   */
  public record ApiLoad(int mutations, Phase members, Phase projects, Phase grants) {
    public long totalNanos() {
      return members.nanos() + projects.nanos() + grants.nanos();
    }

    public boolean complete() {
      return members.complete() && projects.complete() && grants.complete();
    }
  }

  /** One phase of an API load: {@code loaded} of {@code target} items in {@code nanos}. */
  public record Phase(int loaded, int target, long nanos) {
    public boolean complete() {
      return loaded == target;
    }
  }

  /**
   * Loads the first organization of {@code data} through the public API, as a host without access to
   * the store would: create the organization, invite and accept every member (and set expiries), create
   * the projects (making the odd ones private), then grant. Ids are Warden's own, so the result is for
   * timing only. Each phase stops once it has spent {@code phaseBudgetNanos}.
   */
  public static ApiLoad loadThroughApi(DataSet data, long phaseBudgetNanos) {
    OrgId dataOrg = data.orgs().get(0).id();
    List<Member> members = data.members().stream().filter(m -> m.org().equals(dataOrg)).toList();
    List<DataSet.Project> projects = data.projects().stream().filter(p -> p.org().equals(dataOrg)).toList();
    Map<ProjectId, DataSet.Project> byId = new HashMap<>();
    projects.forEach(p -> byId.put(p.id(), p));
    List<DataSet.Grant> grants = data.grants().stream().filter(g -> byId.containsKey(g.project())).toList();
    int mutations = 0;
    try (AccessPolicy policy = AccessPolicy.inMemory()) {
      Member ownerRow = members.get(0);
      Principal owner = Principal.user(ownerRow.user(), email(ownerRow.user()));

      long start = System.nanoTime();
      Organization org = policy.organizations().create(owner, "Organization 0");
      mutations++;
      int loaded = 1;
      Set<UserId> joined = new HashSet<>();
      for (Member m : members.subList(1, members.size())) {
        String email = email(m.user());
        IssuedInvite invite = policy.invites().create(owner, org.id(), InviteRequest.to(email).level(m.level()));
        policy.invites().accept(invite.token(), Principal.user(m.user(), email), email);
        mutations += 2;
        if (m.expiresAt().isPresent()) {
          policy.members().setExpiry(owner, org.id(), m.user(), m.expiresAt().get());
          mutations++;
        }
        joined.add(m.user());
        loaded++;
        if (System.nanoTime() - start > phaseBudgetNanos) {
          break;
        }
      }
      Phase memberPhase = new Phase(loaded, members.size(), System.nanoTime() - start);

      start = System.nanoTime();
      loaded = 0;
      Map<ProjectId, ProjectId> ids = new HashMap<>();
      for (DataSet.Project p : projects) {
        Project created = policy.projects().create(owner, org.id(), "Project " + p.index());
        mutations++;
        if (p.visibility() == Visibility.PRIVATE) {
          policy.projects().setVisibility(owner, created.id(), Visibility.PRIVATE);
          mutations++;
        } else if (p.defaultRole() != ProjectRole.MEMBER) {
          policy.projects().setDefaultRole(owner, created.id(), p.defaultRole());
          mutations++;
        }
        ids.put(p.id(), created.id());
        loaded++;
        if (System.nanoTime() - start > phaseBudgetNanos) {
          break;
        }
      }
      Phase projectPhase = new Phase(loaded, projects.size(), System.nanoTime() - start);

      start = System.nanoTime();
      loaded = 0;
      for (DataSet.Grant g : grants) {
        ProjectId project = ids.get(g.project());
        if (project == null || !joined.contains(g.user())) {
          continue; // its project or grantee was not loaded before a budget ran out
        }
        if (g.expiresAt().isPresent()) {
          policy.grants().grant(owner, project, g.user(), g.role(), g.expiresAt().get());
        } else {
          policy.grants().grant(owner, project, g.user(), g.role());
        }
        mutations++;
        loaded++;
        if (System.nanoTime() - start > phaseBudgetNanos) {
          break;
        }
      }
      Phase grantPhase = new Phase(loaded, grants.size(), System.nanoTime() - start);
      return new ApiLoad(mutations, memberPhase, projectPhase, grantPhase);
    }
  }

  private static String email(UserId user) {
    return user.value() + "@bench.example.com";
  }
}

package dev.warden.benchmarks;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.Principal;
import dev.warden.ProjectAccess;
import dev.warden.benchmarks.DataSet.Member;
import dev.warden.bulk.ImportItem;
import dev.warden.bulk.ImportReport;
import dev.warden.bulk.OrganizationImport;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.Organization;
import dev.warden.organization.OrganizationSettings;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.spi.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Loads a {@link DataSet} into Warden and answers the request mix. Two ways in: through the public
 * bulk import ({@link #load}, what benchmarks use; see {@link #importData}) and through the public
 * API, mutation by mutation ({@link #loadThroughApi}, invites and grants one at a time, measured by
 * {@link LoadTimes} for comparison).
 */
public final class WardenSide {
  private final AccessPolicy policy;
  private final Principal[] principals;
  private final Capability[] capabilities;
  private final ProjectId[] projects;
  private final OrgId[] orgs;
  /** Request i's {@link ProjectAccess}, made once, as a host holds one per request or session; null for an organization request. */
  private final ProjectAccess[] held;

  private WardenSide(AccessPolicy policy, List<DataSet.Request> mix) {
    this.policy = policy;
    int n = mix.size();
    principals = new Principal[n];
    capabilities = new Capability[n];
    projects = new ProjectId[n];
    orgs = new OrgId[n];
    held = new ProjectAccess[n];
    for (int i = 0; i < n; i++) {
      DataSet.Request r = mix.get(i);
      principals[i] = Principal.user(r.user());
      capabilities[i] = r.capability();
      projects[i] = r.project();
      orgs[i] = r.org();
      held[i] = r.project() == null ? null : policy.access(principals[i], r.project());
    }
  }

  /**
   * Loads {@code data} into a new {@link InMemoryStore} through the public bulk import
   * ({@link #importData}), builds the policy over it and warms the snapshot of the mix's organization.
   */
  public static WardenSide load(DataSet data) {
    return load(data, data.mix());
  }

  /** Like {@link #load(DataSet)}, answering {@code requests} (e.g. the realistic mix) by index. */
  public static WardenSide load(DataSet data, List<DataSet.Request> requests) {
    return load(data, requests, PermissionMatrix.posthog());
  }

  /** Like {@link #load(DataSet, List)}, under {@code matrix} (a host's model). */
  public static WardenSide load(DataSet data, List<DataSet.Request> requests, PermissionMatrix matrix) {
    InMemoryStore store = InMemoryStore.create();
    AccessPolicy policy = AccessPolicy.builder().store(store).matrix(matrix).build();
    importData(data, store, policy);
    WardenSide side = new WardenSide(policy, requests);
    for (int i = 0; i < requests.size(); i++) {
      side.check(i); // as the first checks of a real host would
      side.checkHeld(i);
    }
    return side;
  }

  /**
   * Loads {@code data} into {@code store} through {@code policy}'s bulk import
   * ({@code organizations().importInto}), one organization at a time: authorized (as the
   * organization's Owner), validated, written in one transaction and audited like any host's import.
   * Only each organization's row and its Owner go through the store SPI first ({@link Load#createShell}).
   *
   * @throws IllegalStateException if an import is refused
   */
  static void importData(DataSet data, Store store, AccessPolicy policy) {
    Instant created = data.generatedAt().minusSeconds(86_400);
    for (Load load : loads(data)) {
      load.createShell(store, created);
      load.importThrough(policy);
    }
  }

  /**
   * What loading one organization of a data set takes: its Owner (member 0), and everything else as a
   * bulk import.
   */
  record Load(DataSet.Org org, UserId owner, OrganizationImport items) {
    /**
     * Writes the organization's row and its Owner through the store SPI: an organization created through
     * the public API gets an id of Warden's own (and a "Default Project"), while every engine must answer
     * the data set's ids; and an import cannot make an Owner under single ownership.
     */
    void createShell(Store store, Instant created) {
      store.inTransaction(tx -> {
        tx.organizations().insert(new Organization(org.id(), "Organization " + org.index(), created,
            OrganizationSettings.defaults()));
        tx.memberships().insert(new Membership(org.id(), owner, Optional.of(EmailAddress.of(email(owner))),
            OrgLevel.OWNER, Optional.empty(), Optional.empty(), created, Optional.empty()));
        return null;
      });
    }

    /** Imports the items as the Owner. @throws IllegalStateException if the import is refused */
    ImportReport importThrough(AccessPolicy policy) {
      ImportReport report = policy.organizations().importInto(Principal.user(owner), org.id(), items);
      if (!report.accepted()) {
        throw new IllegalStateException("the import of " + org + " was refused: "
            + report.refusals().subList(0, Math.min(5, report.refusals().size())));
      }
      return report;
    }
  }

  /**
   * The loads of every organization of {@code data}, in order. Members get the email
   * {@code <user>@bench.example.com}; projects their ids, visibility and default role; grants their
   * role and expiry.
   */
  static List<Load> loads(DataSet data) {
    Map<ProjectId, OrgId> projectOrg = new HashMap<>();
    for (DataSet.Project p : data.projects()) {
      projectOrg.put(p.id(), p.org());
    }
    List<Load> loads = new ArrayList<>(data.orgs().size());
    int memberCursor = 0;
    int projectCursor = 0;
    int grantCursor = 0;
    for (DataSet.Org org : data.orgs()) {
      OrganizationImport.Builder items = OrganizationImport.builder();
      UserId owner = null;
      for (; memberCursor < data.members().size() && data.members().get(memberCursor).org().equals(org.id());
          memberCursor++) {
        Member m = data.members().get(memberCursor);
        if (m.level() == OrgLevel.OWNER) {
          owner = m.user();
        } else {
          ImportItem.Member item = ImportItem.Member.of(m.user(), email(m.user()), m.level());
          items.member(m.expiresAt().map(item::withExpiresAt).orElse(item));
        }
      }
      for (; projectCursor < data.projects().size() && data.projects().get(projectCursor).org().equals(org.id());
          projectCursor++) {
        DataSet.Project p = data.projects().get(projectCursor);
        items.project(p.id(), "Project " + p.index(), p.visibility(), p.defaultRole());
      }
      for (; grantCursor < data.grants().size() && projectOrg.get(data.grants().get(grantCursor).project())
          .equals(org.id()); grantCursor++) {
        DataSet.Grant g = data.grants().get(grantCursor);
        if (g.expiresAt().isPresent()) {
          items.grant(g.project(), g.user(), g.role(), g.expiresAt().get());
        } else {
          items.grant(g.project(), g.user(), g.role());
        }
      }
      loads.add(new Load(org, Objects.requireNonNull(owner, "no Owner in " + org), items.build()));
    }
    return loads;
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

  /**
   * Decides request {@code i} of the mix through the {@link ProjectAccess} held for it
   * ({@code AccessPolicy.access}; an organization request is a plain check).
   */
  public Decision checkHeld(int i) {
    ProjectAccess access = held[i];
    return access != null ? access.check(capabilities[i]) : policy.check(principals[i], capabilities[i], orgs[i]);
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

package dev.warden.benchmarks;

import com.cedarpolicy.BasicAuthorizationEngine;
import com.cedarpolicy.model.AuthorizationRequest;
import com.cedarpolicy.model.AuthorizationResponse;
import com.cedarpolicy.model.Context;
import com.cedarpolicy.model.entity.Entities;
import com.cedarpolicy.model.entity.Entity;
import com.cedarpolicy.model.exception.AuthException;
import com.cedarpolicy.model.exception.CacheException;
import com.cedarpolicy.model.exception.InternalException;
import com.cedarpolicy.model.policy.PolicySet;
import com.cedarpolicy.value.EntityTypeName;
import com.cedarpolicy.value.EntityUID;
import com.cedarpolicy.value.PrimBool;
import com.cedarpolicy.value.PrimString;
import com.cedarpolicy.value.Value;
import dev.warden.benchmarks.DataSet.Grant;
import dev.warden.benchmarks.DataSet.Member;
import dev.warden.benchmarks.DataSet.Request;
import dev.warden.matrix.Capability;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link DataSet} in Cedar through cedar-java: the policies of {@code warden.cedar}, parsed once
 * (and cached on the native side with {@link PolicySet#cache()}), and the data as entities with roles as
 * parents. Two ways to call it:
 *
 * <ul>
 *   <li>{@link #authorize(int)}: every entity of the data set, built once into one {@link Entities}.
 *       cedar-java still serializes the whole set to JSON and the native side parses it on every call,
 *       so this cost grows with the data set.
 *   <li>{@link #authorizeSlice(int)}: what a real host does: build, per request, the entities the
 *       request needs from its own storage: the user (with the organization level and the grant on
 *       this project as parents), the organization and the project.
 * </ul>
 */
public final class CedarSide {
  static final String POLICY_RESOURCE = "warden.cedar";

  private static final EntityTypeName USER = type("User");
  private static final EntityTypeName ORG = type("Org");
  private static final EntityTypeName ORG_LEVEL = type("OrgLevel");
  private static final EntityTypeName PROJECT = type("Project");
  private static final EntityTypeName PROJECT_ROLE = type("ProjectRole");
  private static final EntityTypeName ACTION = type("Action");

  private final BasicAuthorizationEngine engine = new BasicAuthorizationEngine();
  private final PolicySet policies;
  private final Entities entities; // null unless prebuilt
  private final AuthorizationRequest[] requests;
  private final List<Request> mix;

  // The host's own storage, which the per-call slice is built from.
  private final Map<UserId, Member> members = new HashMap<>();
  private final Map<String, ProjectRole> grantRole = new HashMap<>();
  private final Map<ProjectId, DataSet.Project> projects = new HashMap<>();

  private CedarSide(DataSet data, List<Request> answering, PolicySet policies, boolean prebuild) {
    this.policies = policies;
    this.mix = answering;
    for (Member m : data.members()) {
      members.put(m.user(), m);
    }
    for (Grant g : data.grants()) {
      grantRole.put(g.user().value() + "|" + g.project().value(), g.role());
    }
    for (DataSet.Project p : data.projects()) {
      projects.put(p.id(), p);
    }
    this.entities = prebuild ? new Entities(everything(data)) : null;
    this.requests = new AuthorizationRequest[mix.size()];
    for (int i = 0; i < mix.size(); i++) {
      Request r = mix.get(i);
      requests[i] = request(r.user(), r.capability(), r.org(), r.project());
    }
  }

  /** Every entity of the data set; a user's parents are their level group and all their grant groups. */
  private static Set<Entity> everything(DataSet data) {
    Map<UserId, Set<EntityUID>> parents = new HashMap<>();
    for (Member m : data.members()) {
      Set<EntityUID> p = new HashSet<>();
      p.add(levelGroup(m.org(), m.level()));
      parents.put(m.user(), p);
    }
    for (Grant g : data.grants()) {
      parents.get(g.user()).add(roleGroup(g.project(), g.role()));
    }
    Set<Entity> all = new HashSet<>();
    for (DataSet.Org o : data.orgs()) {
      all.add(orgEntity(o.id()));
      for (OrgLevel level : OrgLevel.values()) {
        all.add(new Entity(levelGroup(o.id(), level)));
      }
    }
    for (DataSet.Project p : data.projects()) {
      all.add(projectEntity(p));
      for (ProjectRole role : ProjectRole.values()) {
        all.add(new Entity(roleGroup(p.id(), role)));
      }
    }
    for (Member m : data.members()) {
      all.add(new Entity(USER.of(m.user().value()), new HashMap<>(), parents.get(m.user())));
    }
    return all;
  }

  /**
   * Parses the policies once and caches them natively; with {@code prebuild}, also builds every entity
   * of {@code data} once (only the benchmark that measures that variant needs them).
   */
  public static CedarSide load(DataSet data, boolean prebuild) {
    return load(data, data.mix(), prebuild);
  }

  /** Like {@link #load(DataSet, boolean)}, answering {@code requests} (e.g. the realistic mix) by index. */
  public static CedarSide load(DataSet data, List<Request> requests, boolean prebuild) {
    try {
      PolicySet policies = PolicySet.parsePolicies(CasbinSide.resource(POLICY_RESOURCE));
      policies.cache();
      return new CedarSide(data, requests, policies, prebuild);
    } catch (InternalException | CacheException e) {
      throw new IllegalStateException("cannot load the Cedar policies", e);
    }
  }

  /** Whether every entity was prebuilt, so {@link #authorize(int)} may be called. */
  public boolean prebuilt() {
    return entities != null;
  }

  /** Authorizes request {@code i} of the mix against the prebuilt entities. */
  public boolean authorize(int i) {
    return allowed(call(requests[i], prebuiltEntities()));
  }

  /** Authorizes request {@code i} of the mix against a slice built for this call. */
  public boolean authorizeSlice(int i) {
    Request r = mix.get(i);
    return allowed(call(request(r.user(), r.capability(), r.org(), r.project()), slice(r.user(), r.org(), r.project())));
  }

  /** Authorizes an arbitrary request against the prebuilt entities (agreement tests). */
  public boolean authorize(UserId user, Capability capability, OrgId org, ProjectId project) {
    return allowed(call(request(user, capability, org, project), prebuiltEntities()));
  }

  private Entities prebuiltEntities() {
    if (entities == null) {
      throw new IllegalStateException("entities were not prebuilt; load with prebuild = true");
    }
    return entities;
  }

  /** Authorizes an arbitrary request against a slice built for it (agreement tests). */
  public boolean authorizeSlice(UserId user, Capability capability, OrgId org, ProjectId project) {
    return allowed(call(request(user, capability, org, project), slice(user, org, project)));
  }

  /**
   * The entities one request needs, built as a host builds them from its rows: the user with the
   * groups that matter here (their level in the organization, their grant on the project), the
   * organization, and the project.
   */
  Entities slice(UserId user, OrgId org, ProjectId project) {
    Set<Entity> slice = new HashSet<>();
    Set<EntityUID> parents = new HashSet<>();
    Member m = members.get(user);
    if (m != null && m.org().equals(org)) {
      parents.add(levelGroup(org, m.level()));
    }
    slice.add(orgEntity(org));
    if (project != null) {
      ProjectRole role = grantRole.get(user.value() + "|" + project.value());
      if (role != null) {
        parents.add(roleGroup(project, role));
      }
      DataSet.Project p = projects.get(project);
      if (p != null) {
        slice.add(projectEntity(p));
      }
    }
    slice.add(new Entity(USER.of(user.value()), new HashMap<>(), parents));
    return new Entities(slice);
  }

  private AuthorizationResponse call(AuthorizationRequest request, Entities with) {
    try {
      return engine.isAuthorized(request, policies, with);
    } catch (AuthException e) {
      throw new IllegalStateException("Cedar failed on " + request, e);
    }
  }

  private static boolean allowed(AuthorizationResponse response) {
    if (response.type != AuthorizationResponse.SuccessOrFailure.Success || response.success.isEmpty()) {
      throw new IllegalStateException("Cedar failed: " + response.errors);
    }
    return response.success.get().isAllowed();
  }

  private static AuthorizationRequest request(UserId user, Capability capability, OrgId org, ProjectId project) {
    EntityUID resource = project == null ? ORG.of(org.value()) : PROJECT.of(project.value());
    return new AuthorizationRequest(USER.of(user.value()), ACTION.of(capability.name()), resource, new Context());
  }

  private static Entity orgEntity(OrgId org) {
    Map<String, Value> attrs = new HashMap<>();
    attrs.put("member", levelGroup(org, OrgLevel.MEMBER));
    attrs.put("admin", levelGroup(org, OrgLevel.ADMIN));
    attrs.put("owner", levelGroup(org, OrgLevel.OWNER));
    return new Entity(ORG.of(org.value()), attrs, new HashSet<>());
  }

  private static Entity projectEntity(DataSet.Project p) {
    Map<String, Value> attrs = new HashMap<>();
    EntityUID org = ORG.of(p.org().value());
    attrs.put("org", org);
    attrs.put("open", new PrimBool(p.open()));
    attrs.put("defaultRole", new PrimString(p.defaultRole().name()));
    attrs.put("viewer", roleGroup(p.id(), ProjectRole.VIEWER));
    attrs.put("member", roleGroup(p.id(), ProjectRole.MEMBER));
    attrs.put("admin", roleGroup(p.id(), ProjectRole.ADMIN));
    Set<EntityUID> parents = new HashSet<>();
    parents.add(org);
    return new Entity(PROJECT.of(p.id().value()), attrs, parents);
  }

  private static EntityUID levelGroup(OrgId org, OrgLevel level) {
    return ORG_LEVEL.of(org.value() + "/" + level.name());
  }

  private static EntityUID roleGroup(ProjectId project, ProjectRole role) {
    return PROJECT_ROLE.of(project.value() + "/" + role.name());
  }

  private static EntityTypeName type(String name) {
    return EntityTypeName.parse(name).orElseThrow(() -> new IllegalStateException("bad Cedar type " + name));
  }
}

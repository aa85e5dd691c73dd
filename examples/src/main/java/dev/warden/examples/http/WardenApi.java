package dev.warden.examples.http;

import static dev.warden.examples.http.Json.object;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.Page;
import dev.warden.PageRequest;
import dev.warden.Principal;
import dev.warden.apikey.ApiKeyId;
import dev.warden.apikey.ApiKeyRequest;
import dev.warden.apikey.IssuedApiKey;
import dev.warden.examples.http.Router.Response;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.Organization;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.project.VisibleProject;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The endpoints. Each handler reads and validates its whole request first, then makes exactly one
 * Warden call that decides (a facade method, or {@code check} for the host's own data), so a refused
 * request changes nothing. Refusals are thrown ({@link dev.warden.WardenException}, {@link ApiError})
 * and turned into responses in one place, {@link WardenHttpService}.
 *
 * <p>Organizations, members, invites, projects, grants and API keys are Warden's. Insights and the
 * event data are the host's own content (kept in memory here), which Warden guards through
 * {@link AccessPolicy#check}: that is how a real host protects its own endpoints.
 */
final class WardenApi {
  private final AccessPolicy policy;
  private final Clock clock;
  /** The host's own content: insights per project. Warden never sees these, it only guards them. */
  private final Map<ProjectId, List<Map<String, Object>>> insights = new ConcurrentHashMap<>();
  private final AtomicLong insightIds = new AtomicLong();

  WardenApi(AccessPolicy policy, Clock clock) {
    this.policy = policy;
    this.clock = clock;
  }

  Router routes() {
    return new Router()
        .add("GET", "/me", this::me)

        .add("POST", "/organizations", this::createOrganization)
        .add("GET", "/organizations", this::listOrganizations)
        .add("GET", "/organizations/{org}", this::getOrganization)

        .add("GET", "/organizations/{org}/members", this::listMembers)
        .add("PATCH", "/organizations/{org}/members/{user}", this::changeMember)
        .add("DELETE", "/organizations/{org}/members/{user}", this::removeMember)

        .add("POST", "/organizations/{org}/invites", this::createInvite)
        .add("GET", "/organizations/{org}/invites", this::listInvites)
        .add("POST", "/invites/accept", this::acceptInvite)

        .add("GET", "/organizations/{org}/projects", this::listProjects)
        .add("POST", "/organizations/{org}/projects", this::createProject)
        .add("GET", "/projects/{project}", this::getProject)
        .add("PATCH", "/projects/{project}", this::changeProject)
        .add("DELETE", "/projects/{project}", this::deleteProject)
        .add("POST", "/projects/{project}/rotate-token", this::rotateToken)

        .add("GET", "/projects/{project}/grants", this::listGrants)
        .add("PUT", "/projects/{project}/grants/{user}", this::grant)
        .add("DELETE", "/projects/{project}/grants/{user}", this::revokeGrant)

        .add("GET", "/projects/{project}/data", this::data)
        .add("POST", "/projects/{project}/insights", this::createInsight)
        .addPublic("POST", "/capture", this::capture)

        .add("POST", "/me/api-keys", this::createApiKey)
        .add("GET", "/me/api-keys", this::listApiKeys)
        .add("POST", "/me/api-keys/{key}/roll", this::rollApiKey)
        .add("DELETE", "/me/api-keys/{key}", this::revokeApiKey);
  }

  // ------------------------------------------------------------------------------------------ caller

  private Response me(Request r) {
    Principal p = r.principal();
    return Response.ok(object(
        "user", p.userId(),
        "email", p.email(),
        "method", p.method(),
        "apiKey", p.apiKey().map(k -> k.id().value())));
  }

  // ------------------------------------------------------------------------------------------ organizations

  private Response createOrganization(Request r) {
    String name = r.json("name").string("name");
    Organization org = policy.organizations().create(r.principal(), name);
    return Response.created("/organizations/" + org.id(), Views.organization(org));
  }

  private Response listOrganizations(Request r) {
    return Response.ok(object("organizations",
        policy.organizations().list(r.principal()).stream().map(Views::organization).toList()));
  }

  private Response getOrganization(Request r) {
    return Response.ok(Views.organization(policy.organizations().get(r.principal(), org(r))));
  }

  // ------------------------------------------------------------------------------------------ members

  private Response listMembers(Request r) {
    return Response.ok(object("members",
        policy.members().list(r.principal(), org(r)).stream().map(Views::membership).toList()));
  }

  /**
   * One change per request: {@code level}, {@code expiresAt} ({@code null} clears it) or {@code note}.
   * Each is its own audited Warden change, so combining them could leave the first applied when the
   * second is refused; refusing the combination keeps every request all-or-nothing.
   */
  private Response changeMember(Request r) {
    JsonBody body = r.json("level", "expiresAt", "note");
    List<String> changes = body.present("level", "expiresAt", "note");
    if (changes.size() != 1) {
      throw ApiError.badRequest("send exactly one of 'level', 'expiresAt' (null clears it) or 'note'; got " + changes);
    }
    OrgId org = org(r);
    UserId user = user(r);
    Membership changed = switch (changes.get(0)) {
      case "level" -> policy.members().changeLevel(r.principal(), org, user, body.enumValue("level", OrgLevel.class));
      case "expiresAt" -> body.optionalInstant("expiresAt")
          .map(at -> policy.members().setExpiry(r.principal(), org, user, at))
          .orElseGet(() -> policy.members().clearExpiry(r.principal(), org, user));
      default -> policy.members().setNote(r.principal(), org, user, body.optionalString("note").orElse(""));
    };
    return Response.ok(Views.membership(changed));
  }

  private Response removeMember(Request r) {
    policy.members().remove(r.principal(), org(r), user(r));
    return Response.noContent();
  }

  // ------------------------------------------------------------------------------------------ invites

  /** {@code {"email": …, "level": "MEMBER", "grants": [{"project": …, "role": "VIEWER"}]}}; the token is in this response only. */
  private Response createInvite(Request r) {
    JsonBody body = r.json("email", "level", "grants");
    InviteRequest request = InviteRequest.to(body.string("email"))
        .level(body.optionalEnum("level", OrgLevel.class).orElse(OrgLevel.MEMBER));
    for (JsonBody grant : body.objects("grants", "project", "role")) {
      request = request.grant(ProjectId.of(grant.string("project")), grant.enumValue("role", ProjectRole.class));
    }
    IssuedInvite issued = policy.invites().create(r.principal(), org(r), request);
    return Response.created("/organizations/" + issued.invite().organization() + "/invites",
        object("invite", Views.invite(issued.invite()), "token", issued.token()));
  }

  private Response listInvites(Request r) {
    return Response.ok(object("invites",
        policy.invites().listPending(r.principal(), org(r)).stream().map(Views::invite).toList()));
  }

  /**
   * {@code {"token": "inv_…"}} in the body (never in the URL, which ends up in access logs). The
   * verified email is {@code X-User-Email}: the stand-in for the address your login verified.
   */
  private Response acceptInvite(Request r) {
    String token = r.json("token").string("token");
    Principal user = r.principal();
    if (user.apiKey().isPresent()) {
      throw ApiError.of(403, "PERMISSION_DENIED", "api keys cannot accept invites; sign in as the user");
    }
    String email = user.email()
        .orElseThrow(() -> ApiError.badRequest("accepting an invite needs the caller's verified email (X-User-Email)"))
        .value();
    Membership joined = policy.invites().accept(token, user, email);
    return Response.ok(Views.membership(joined));
  }

  // ------------------------------------------------------------------------------------------ projects

  /** Visible projects in creation order; {@code ?limit=} (1–1000, default 100) and {@code ?cursor=} page them. */
  private Response listProjects(Request r) {
    int limit = r.query("limit").map(WardenApi::limit).orElse(100);
    PageRequest page = r.query("cursor").map(c -> PageRequest.after(c, limit)).orElse(PageRequest.first(limit));
    Page<VisibleProject> projects = policy.visibleProjects(r.principal(), org(r), page);
    return Response.ok(object(
        "projects", projects.items().stream().map(Views::visibleProject).toList(),
        "nextCursor", projects.nextCursor()));
  }

  private Response createProject(Request r) {
    String name = r.json("name").string("name");
    Project project = policy.projects().create(r.principal(), org(r), name);
    return Response.created("/projects/" + project.id(), Views.project(project));
  }

  private Response getProject(Request r) {
    return Response.ok(Views.project(policy.projects().get(r.principal(), project(r))));
  }

  /** One change per request: {@code name}, {@code visibility} ({@code OPEN}/{@code PRIVATE}) or {@code defaultRole}. */
  private Response changeProject(Request r) {
    JsonBody body = r.json("name", "visibility", "defaultRole");
    List<String> changes = body.present("name", "visibility", "defaultRole");
    if (changes.size() != 1) {
      throw ApiError.badRequest("send exactly one of 'name', 'visibility' or 'defaultRole'; got " + changes);
    }
    ProjectId project = project(r);
    Project changed = switch (changes.get(0)) {
      case "name" -> policy.projects().rename(r.principal(), project, body.string("name"));
      case "visibility" -> policy.projects().setVisibility(r.principal(), project,
          body.enumValue("visibility", Visibility.class));
      default -> policy.projects().setDefaultRole(r.principal(), project, body.enumValue("defaultRole", ProjectRole.class));
    };
    return Response.ok(Views.project(changed));
  }

  private Response deleteProject(Request r) {
    policy.projects().delete(r.principal(), project(r));
    insights.remove(project(r));
    return Response.noContent();
  }

  private Response rotateToken(Request r) {
    return Response.ok(Views.project(policy.projects().rotateToken(r.principal(), project(r))));
  }

  // ------------------------------------------------------------------------------------------ grants

  private Response listGrants(Request r) {
    return Response.ok(object("grants",
        policy.grants().list(r.principal(), project(r)).stream().map(Views::grant).toList()));
  }

  /** {@code {"role": "MEMBER", "expiresAt": "2026-02-04T09:00:00Z"}}; granting again replaces role and expiry. */
  private Response grant(Request r) {
    JsonBody body = r.json("role", "expiresAt");
    ProjectRole role = body.enumValue("role", ProjectRole.class);
    ProjectGrant grant = body.optionalInstant("expiresAt")
        .map(at -> policy.grants().grant(r.principal(), project(r), user(r), role, at))
        .orElseGet(() -> policy.grants().grant(r.principal(), project(r), user(r), role));
    return Response.ok(Views.grant(grant));
  }

  private Response revokeGrant(Request r) {
    policy.grants().revoke(r.principal(), project(r), user(r));
    return Response.noContent();
  }

  // ------------------------------------------------------------------------------------------ the host's own data

  /** The host's data, guarded by {@code VIEW_DATA}: how a host protects an endpoint of its own. */
  private Response data(Request r) {
    ProjectId project = project(r);
    require(r.principal(), Capability.VIEW_DATA, project);
    return Response.ok(object(
        "project", project,
        "insights", insights.getOrDefault(project, List.of()),
        "events", List.of(
            object("event", "$pageview", "count", 1280),
            object("event", "signed_up", "count", 42))));
  }

  /** {@code {"name": …}}; creating content needs {@code CREATE_CONTENT} (a project Member or Admin). */
  private Response createInsight(Request r) {
    String name = r.json("name").string("name");
    if (name.isBlank() || name.length() > 200) {
      throw ApiError.badRequest("field 'name' must be 1-200 characters");
    }
    ProjectId project = project(r);
    Principal caller = r.principal();
    require(caller, Capability.CREATE_CONTENT, project);
    Map<String, Object> insight = object(
        "id", "ins_" + insightIds.incrementAndGet(),
        "project", project,
        "name", name,
        "createdBy", caller.userId(),
        "createdAt", clock.instant());
    insights.computeIfAbsent(project, p -> new CopyOnWriteArrayList<>()).add(insight);
    return Response.created("/projects/" + project + "/insights", insight);
  }

  /**
   * Event ingestion, authenticated by the project token alone ({@code {"token": "phc_…", "event": …}}),
   * as PostHog's {@code /capture} is: the token names the project, and a rotated-away token is refused.
   */
  private Response capture(Request r) {
    JsonBody body = r.json("token", "event", "properties");
    String token = body.string("token");
    String event = body.string("event");
    Project project = policy.resolveProjectToken(token)
        .orElseThrow(() -> ApiError.unauthenticated("unknown or rotated project token"));
    return Response.accepted(object("project", project.id(), "event", event, "status", "accepted"));
  }

  private void require(Principal caller, Capability capability, ProjectId project) {
    Decision decision = policy.check(caller, capability, project);
    if (!decision.allowed()) {
      throw HttpStatuses.refused(decision, capability);
    }
  }

  // ------------------------------------------------------------------------------------------ api keys

  /**
   * {@code {"label": …, "scopes": ["query:read"], "organizations": [...], "projects": [...]}}; the value
   * ({@code phx_…}) is in this response only.
   */
  private Response createApiKey(Request r) {
    JsonBody body = r.json("label", "scopes", "organizations", "projects");
    List<String> scopes = body.strings("scopes");
    if (scopes.isEmpty()) {
      throw ApiError.badRequest("field 'scopes' must list at least one scope, such as \"query:read\" or \"*\"");
    }
    ApiKeyRequest request = ApiKeyRequest.labeled(body.string("label"))
        .scopes(scopes.toArray(String[]::new))
        .limitToOrganizations(body.strings("organizations").stream().map(OrgId::of).toArray(OrgId[]::new))
        .limitToProjects(body.strings("projects").stream().map(ProjectId::of).toArray(ProjectId[]::new));
    IssuedApiKey issued = policy.apiKeys().create(r.principal(), request);
    return Response.created("/me/api-keys", object("key", Views.apiKey(issued.key()), "value", issued.value()));
  }

  private Response listApiKeys(Request r) {
    return Response.ok(object("keys", policy.apiKeys().list(r.principal()).stream().map(Views::apiKey).toList()));
  }

  private Response rollApiKey(Request r) {
    IssuedApiKey issued = policy.apiKeys().roll(r.principal(), ApiKeyId.of(r.param("key")));
    return Response.ok(object("key", Views.apiKey(issued.key()), "value", issued.value()));
  }

  private Response revokeApiKey(Request r) {
    policy.apiKeys().revoke(r.principal(), ApiKeyId.of(r.param("key")));
    return Response.noContent();
  }

  // ------------------------------------------------------------------------------------------ parameters

  private static OrgId org(Request r) {
    return OrgId.of(r.param("org"));
  }

  private static ProjectId project(Request r) {
    return ProjectId.of(r.param("project"));
  }

  private static UserId user(Request r) {
    return UserId.of(r.param("user"));
  }

  private static int limit(String value) {
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= PageRequest.MAX_SIZE) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiError.badRequest("query parameter 'limit' must be an integer from 1 to " + PageRequest.MAX_SIZE);
  }
}

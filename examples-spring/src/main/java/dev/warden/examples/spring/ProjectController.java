package dev.warden.examples.spring;

import dev.warden.AccessPolicy;
import dev.warden.Page;
import dev.warden.PageRequest;
import dev.warden.Principal;
import dev.warden.examples.spring.Views.GrantView;
import dev.warden.examples.spring.Views.ProjectView;
import dev.warden.organization.OrgId;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.project.VisibleProject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Projects and grants (Warden's), and the host's own content: insights in the application's
 * {@code insight} table and event data, guarded by {@code @PreAuthorize("@warden.can(…)")}.
 */
@RestController
class ProjectController {
  private final AccessPolicy policy;
  private final JdbcClient db;
  private final Clock clock = Clock.systemUTC();

  ProjectController(AccessPolicy policy, JdbcClient db) {
    this.policy = policy;
    this.db = db;
  }

  record NameBody(String name) {}

  /** One change per request: {@code name}, {@code visibility} or {@code defaultRole}. */
  record ProjectChange(String name, Visibility visibility, ProjectRole defaultRole) {}

  record GrantBody(ProjectRole role, Instant expiresAt) {}

  record CaptureBody(String token, String event) {}

  record ProjectPage(List<ProjectView> projects, String nextCursor) {}

  record Insight(String id, String project, String name, String createdBy, Instant createdAt) {}

  record EventCount(String event, int count) {}

  record ProjectData(String project, List<Insight> insights, List<EventCount> events) {}

  /** Visible projects in creation order; {@code ?limit=} (1–1000, default 100) and {@code ?cursor=} page them. */
  @GetMapping("/organizations/{org}/projects")
  ProjectPage list(@AuthenticationPrincipal Principal caller, @PathVariable String org,
      @RequestParam(defaultValue = "100") int limit, @RequestParam(required = false) String cursor) {
    PageRequest page = cursor == null ? PageRequest.first(limit) : PageRequest.after(cursor, limit);
    Page<VisibleProject> projects = policy.visibleProjects(caller, OrgId.of(org), page);
    return new ProjectPage(projects.items().stream().map(ProjectView::of).toList(), projects.nextCursor().orElse(null));
  }

  @PostMapping("/organizations/{org}/projects")
  @ResponseStatus(HttpStatus.CREATED)
  ProjectView create(@AuthenticationPrincipal Principal caller, @PathVariable String org, @RequestBody NameBody body) {
    return ProjectView.of(policy.projects().create(caller, OrgId.of(org), body.name()));
  }

  @GetMapping("/projects/{project}")
  ProjectView get(@AuthenticationPrincipal Principal caller, @PathVariable String project) {
    return ProjectView.of(policy.projects().get(caller, ProjectId.of(project)));
  }

  @PatchMapping("/projects/{project}")
  ProjectView change(@AuthenticationPrincipal Principal caller, @PathVariable String project,
      @RequestBody ProjectChange body) {
    ProjectId id = ProjectId.of(project);
    int changes = (body.name() == null ? 0 : 1) + (body.visibility() == null ? 0 : 1) + (body.defaultRole() == null ? 0 : 1);
    if (changes != 1) {
      throw new BadRequestException("send exactly one of 'name', 'visibility' or 'defaultRole'");
    }
    Project changed = body.name() != null ? policy.projects().rename(caller, id, body.name())
        : body.visibility() != null ? policy.projects().setVisibility(caller, id, body.visibility())
        : policy.projects().setDefaultRole(caller, id, body.defaultRole());
    return ProjectView.of(changed);
  }

  @DeleteMapping("/projects/{project}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void delete(@AuthenticationPrincipal Principal caller, @PathVariable String project) {
    policy.projects().delete(caller, ProjectId.of(project));
    db.sql("DELETE FROM insight WHERE project_id = ?").param(project).update();
  }

  @PostMapping("/projects/{project}/rotate-token")
  ProjectView rotateToken(@AuthenticationPrincipal Principal caller, @PathVariable String project) {
    return ProjectView.of(policy.projects().rotateToken(caller, ProjectId.of(project)));
  }

  @GetMapping("/projects/{project}/grants")
  Map<String, List<GrantView>> grants(@AuthenticationPrincipal Principal caller, @PathVariable String project) {
    return Map.of("grants", policy.grants().list(caller, ProjectId.of(project)).stream().map(GrantView::of).toList());
  }

  /** {@code {"role": "MEMBER", "expiresAt": "2026-02-04T09:00:00Z"}}; granting again replaces role and expiry. */
  @PutMapping("/projects/{project}/grants/{user}")
  GrantView grant(@AuthenticationPrincipal Principal caller, @PathVariable String project, @PathVariable String user,
      @RequestBody GrantBody body) {
    if (body.role() == null) {
      throw new BadRequestException("field 'role' is required");
    }
    return GrantView.of(body.expiresAt() == null
        ? policy.grants().grant(caller, ProjectId.of(project), UserId.of(user), body.role())
        : policy.grants().grant(caller, ProjectId.of(project), UserId.of(user), body.role(), body.expiresAt()));
  }

  @DeleteMapping("/projects/{project}/grants/{user}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void revoke(@AuthenticationPrincipal Principal caller, @PathVariable String project, @PathVariable String user) {
    policy.grants().revoke(caller, ProjectId.of(project), UserId.of(user));
  }

  /** The host's data: needs {@code VIEW_DATA}; a hidden project answers 404 exactly like a missing one. */
  @GetMapping("/projects/{project}/data")
  @PreAuthorize("@warden.can(#project, 'VIEW_DATA')")
  ProjectData data(@PathVariable String project) {
    List<Insight> insights = db.sql("SELECT id, project_id, name, created_by, created_at FROM insight"
            + " WHERE project_id = ? ORDER BY created_at, id").param(project)
        .query((rs, n) -> new Insight(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
            rs.getObject(5, java.time.OffsetDateTime.class).toInstant()))
        .list();
    return new ProjectData(project, insights,
        List.of(new EventCount("$pageview", 1280), new EventCount("signed_up", 42)));
  }

  /** Creating content needs {@code CREATE_CONTENT} (a project Member or Admin, or a key with {@code insight:write}). */
  @PostMapping("/projects/{project}/insights")
  @ResponseStatus(HttpStatus.CREATED)
  @PreAuthorize("@warden.can(#project, 'CREATE_CONTENT')")
  Insight createInsight(@AuthenticationPrincipal Principal caller, @PathVariable String project,
      @RequestBody NameBody body) {
    if (body.name() == null || body.name().isBlank() || body.name().length() > 200) {
      throw new BadRequestException("field 'name' must be 1-200 characters");
    }
    Insight insight = new Insight("ins_" + UUID.randomUUID(), project, body.name(), caller.userId().value(),
        clock.instant());
    db.sql("INSERT INTO insight (id, project_id, name, created_by, created_at) VALUES (?, ?, ?, ?, ?)")
        .params(insight.id(), insight.project(), insight.name(), insight.createdBy(),
            java.time.OffsetDateTime.ofInstant(insight.createdAt(), java.time.ZoneOffset.UTC))
        .update();
    return insight;
  }

  /**
   * Event ingestion, authenticated by the project token alone ({@code {"token": "wdt_…", "event": …}}),
   * as PostHog's {@code /capture} is: a rotated-away token gets 401.
   */
  @PostMapping("/capture")
  @ResponseStatus(HttpStatus.ACCEPTED)
  Map<String, String> capture(@RequestBody CaptureBody body) {
    if (body.token() == null || body.event() == null) {
      throw new BadRequestException("fields 'token' and 'event' are required");
    }
    Project project = policy.resolveProjectToken(body.token()).orElseThrow(() ->
        new org.springframework.web.server.ResponseStatusException(HttpStatus.UNAUTHORIZED, "unknown or rotated project token"));
    return Map.of("project", project.id().value(), "event", body.event(), "status", "accepted");
  }
}

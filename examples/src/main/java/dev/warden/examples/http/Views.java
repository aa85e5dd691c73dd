package dev.warden.examples.http;

import static dev.warden.examples.http.Json.object;

import dev.warden.apikey.ApiKey;
import dev.warden.invite.Invite;
import dev.warden.organization.Membership;
import dev.warden.organization.Organization;
import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import dev.warden.project.VisibleProject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON shape of each Warden record this service returns. Written out by hand, field by field, so
 * a secret can only reach a response by being named here: invite tokens and API key values appear
 * only in the responses that create them, never in these views.
 */
final class Views {
  private Views() {}

  static Map<String, Object> organization(Organization o) {
    return object("id", o.id(), "name", o.name(), "createdAt", o.createdAt());
  }

  static Map<String, Object> membership(Membership m) {
    return object(
        "organization", m.organization(),
        "user", m.user(),
        "email", m.email(),
        "level", m.level(),
        "note", m.note(),
        "expiresAt", m.expiresAt(),
        "joinedAt", m.joinedAt(),
        "invitedBy", m.invitedBy());
  }

  /**
   * A project, with its {@code phc_} token: project tokens are public, write-only ingestion keys by
   * design (they ship in web pages), unlike invite tokens and API keys.
   */
  static Map<String, Object> project(Project p) {
    return object(
        "id", p.id(),
        "organization", p.organization(),
        "name", p.name(),
        "visibility", p.visibility(),
        "defaultRole", p.defaultRole(),
        "token", p.token(),
        "createdAt", p.createdAt());
  }

  /** A project with the caller's effective role on it and where that role comes from. */
  static Map<String, Object> visibleProject(VisibleProject v) {
    Map<String, Object> view = new LinkedHashMap<>(project(v.project()));
    view.put("role", v.role());
    view.put("roleSource", v.source());
    return view;
  }

  static Map<String, Object> invite(Invite i) {
    return object(
        "id", i.id(),
        "organization", i.organization(),
        "email", i.email(),
        "level", i.level(),
        "grants", i.grants().stream().map(g -> object("project", g.project(), "role", g.role())).toList(),
        "invitedBy", i.invitedBy(),
        "createdAt", i.createdAt(),
        "expiresAt", i.expiresAt());
  }

  static Map<String, Object> grant(ProjectGrant g) {
    return object(
        "project", g.project(),
        "user", g.user(),
        "role", g.role(),
        "expiresAt", g.expiresAt(),
        "grantedBy", g.grantedBy(),
        "grantedAt", g.grantedAt());
  }

  /** A personal API key, masked ({@code phx_…abcd}); its value is shown only when created or rolled. */
  static Map<String, Object> apiKey(ApiKey k) {
    return object(
        "id", k.id(),
        "label", k.label(),
        "key", k.masked(),
        "scopes", k.scopes().stream().map(Object::toString).toList(),
        "organizations", k.organizations(),
        "projects", k.projects(),
        "createdAt", k.createdAt(),
        "lastUsedAt", k.lastUsedAt(),
        "lastRolledAt", k.lastRolledAt());
  }
}

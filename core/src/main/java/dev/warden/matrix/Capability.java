package dev.warden.matrix;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.resource.ResourceRef;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

/**
 * Something a principal may do, checked against an organization, a project, or a resource of one kind.
 * A {@link PermissionMatrix} declares which capabilities exist and who holds them; the constants below
 * are Warden's own (its lifecycle operations check them) and PostHog's product capabilities, which the
 * {@link PermissionMatrix#posthog()} preset declares. A host defines its own with {@link #organization},
 * {@link #project} or {@link #resource}.
 *
 * <p>Capabilities are interned: the same name, scope and kind always give the same instance, so
 * comparing them is {@code ==} and a check looks one up by its {@link #ordinal()}, never by hashing
 * its name. They are stored, audited and exported by {@link #name()}. Immutable; thread-safe.
 */
public final class Capability {
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.:-]{0,63}");
  private static final ConcurrentMap<Key, Capability> INTERNED = new ConcurrentHashMap<>();
  private static int next;

  public static final Capability VIEW_ORGANIZATION = organization("VIEW_ORGANIZATION");
  public static final Capability INVITE_MEMBERS = organization("INVITE_MEMBERS");
  public static final Capability REVOKE_INVITES = organization("REVOKE_INVITES");
  public static final Capability MANAGE_BILLING = organization("MANAGE_BILLING");
  public static final Capability CREATE_PROJECT = organization("CREATE_PROJECT");
  public static final Capability DELETE_PROJECT = organization("DELETE_PROJECT");
  public static final Capability MANAGE_ORG_SETTINGS = organization("MANAGE_ORG_SETTINGS");
  public static final Capability MANAGE_MEMBERS = organization("MANAGE_MEMBERS");
  public static final Capability REMOVE_MEMBERS = organization("REMOVE_MEMBERS");
  public static final Capability VIEW_AUDIT_LOG = organization("VIEW_AUDIT_LOG");
  public static final Capability LEAVE_ORGANIZATION = organization("LEAVE_ORGANIZATION");
  public static final Capability TRANSFER_OWNERSHIP = organization("TRANSFER_OWNERSHIP");
  public static final Capability DELETE_ORGANIZATION = organization("DELETE_ORGANIZATION");

  public static final Capability VIEW_DATA = project("VIEW_DATA");
  public static final Capability CREATE_CONTENT = project("CREATE_CONTENT");
  public static final Capability USE_FEATURE_FLAGS = project("USE_FEATURE_FLAGS");
  public static final Capability MANAGE_FEATURE_FLAGS = project("MANAGE_FEATURE_FLAGS");
  public static final Capability DELETE_ANY_DASHBOARD = project("DELETE_ANY_DASHBOARD");
  public static final Capability MANAGE_PROJECT_SETTINGS = project("MANAGE_PROJECT_SETTINGS");
  public static final Capability MANAGE_PROJECT_ACCESS = project("MANAGE_PROJECT_ACCESS");
  public static final Capability MANAGE_DATA_RETENTION = project("MANAGE_DATA_RETENTION");
  public static final Capability ROTATE_PROJECT_TOKEN = project("ROTATE_PROJECT_TOKEN");
  public static final Capability VIEW_PROJECT_AUDIT_LOG = project("VIEW_PROJECT_AUDIT_LOG");
  /** Create, rename and delete roles and change their members and access (issue 16; Admins and Owners). */
  public static final Capability MANAGE_ROLES = organization("MANAGE_ROLES");

  /** What a capability is checked against. */
  public enum Scope {
    /** An organization; held by organization levels. */
    ORGANIZATION,
    /** A project, or any resource in it; held by project roles. */
    PROJECT,
    /** A resource of one {@linkplain #kind() kind}; held by project roles. */
    RESOURCE
  }

  private final String name;
  private final Scope scope;
  private final Optional<String> kind;
  private final int ordinal;

  private Capability(String name, Scope scope, Optional<String> kind, int ordinal) {
    this.name = name;
    this.scope = scope;
    this.kind = kind;
    this.ordinal = ordinal;
  }

  /**
   * The organization capability named {@code name}.
   *
   * @throws IllegalArgumentException if the name is not 1–64 letters, digits, {@code _ . : -},
   *     starting with a letter
   */
  public static Capability organization(String name) {
    return intern(name, Scope.ORGANIZATION, null);
  }

  /** The project capability named {@code name}. @throws IllegalArgumentException as {@link #organization} */
  public static Capability project(String name) {
    return intern(name, Scope.PROJECT, null);
  }

  /**
   * The capability named {@code name} on resources of {@code kind} (checked only against those).
   *
   * @throws IllegalArgumentException if the name or the kind ({@link ResourceRef#requireKind}) is malformed
   */
  public static Capability resource(String kind, String name) {
    return intern(name, Scope.RESOURCE, ResourceRef.requireKind(kind));
  }

  private static Capability intern(String name, Scope scope, String kind) {
    checkNotNull(name, "capability name");
    checkArgument(NAME.matcher(name).matches(),
        "capability name must be 1-64 letters, digits, '_', '.', ':' or '-', starting with a letter, but was '%s'", name);
    return INTERNED.computeIfAbsent(new Key(name, scope, kind), Capability::create);
  }

  private static synchronized Capability create(Key key) {
    return new Capability(key.name, key.scope, Optional.ofNullable(key.kind), next++);
  }

  /** The name it is stored, audited and exported by, unique within a permission matrix. */
  public String name() {
    return name;
  }

  public Scope scope() {
    return scope;
  }

  /** The resource kind of a {@link Scope#RESOURCE} capability; empty for the others. */
  public Optional<String> kind() {
    return kind;
  }

  /**
   * A small number unique to this capability in this JVM, given in order of first definition (Warden's
   * constants hold 0–22 in the order above); matrices index their tables by it.
   */
  public int ordinal() {
    return ordinal;
  }

  /** Whether this capability may be checked against a resource of {@code resourceKind}. */
  public boolean appliesTo(String resourceKind) {
    return scope == Scope.PROJECT || (scope == Scope.RESOURCE && kind.get().equals(resourceKind));
  }

  @Override
  public String toString() {
    return name;
  }

  private record Key(String name, Scope scope, String kind) {}
}

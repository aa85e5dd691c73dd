package dev.warden.apikey;

import com.google.common.collect.ImmutableMap;
import dev.warden.matrix.Capability;
import java.util.EnumMap;
import java.util.Map;

/**
 * The one table mapping every {@link Capability} to the API key scope it needs. A key principal holds
 * a capability only if its user holds it and one of the key's scopes covers this scope.
 */
public final class ApiScopes {
  private static final Map<Capability, ApiScope> TABLE;

  static {
    Map<Capability, ApiScope> t = new EnumMap<>(Capability.class);
    t.put(Capability.VIEW_ORGANIZATION, read("organization"));
    t.put(Capability.INVITE_MEMBERS, write("organization_member"));
    t.put(Capability.REVOKE_INVITES, write("organization_member"));
    t.put(Capability.MANAGE_BILLING, write("billing"));
    t.put(Capability.CREATE_PROJECT, write("project"));
    t.put(Capability.DELETE_PROJECT, write("project"));
    t.put(Capability.MANAGE_ORG_SETTINGS, write("organization"));
    t.put(Capability.MANAGE_MEMBERS, write("organization_member"));
    t.put(Capability.REMOVE_MEMBERS, write("organization_member"));
    t.put(Capability.VIEW_AUDIT_LOG, read("activity_log"));
    t.put(Capability.LEAVE_ORGANIZATION, write("organization_member"));
    t.put(Capability.TRANSFER_OWNERSHIP, write("organization"));
    t.put(Capability.DELETE_ORGANIZATION, write("organization"));
    t.put(Capability.VIEW_DATA, read("query"));
    t.put(Capability.CREATE_CONTENT, write("insight"));
    t.put(Capability.USE_FEATURE_FLAGS, read("feature_flag"));
    t.put(Capability.MANAGE_FEATURE_FLAGS, write("feature_flag"));
    t.put(Capability.DELETE_ANY_DASHBOARD, write("dashboard"));
    t.put(Capability.MANAGE_PROJECT_SETTINGS, write("project"));
    t.put(Capability.MANAGE_PROJECT_ACCESS, write("project"));
    t.put(Capability.MANAGE_DATA_RETENTION, write("project"));
    t.put(Capability.ROTATE_PROJECT_TOKEN, write("project"));
    t.put(Capability.VIEW_PROJECT_AUDIT_LOG, read("activity_log"));
    for (Capability c : Capability.values()) {
      if (!t.containsKey(c)) {
        throw new ExceptionInInitializerError("no api key scope for " + c);
      }
    }
    TABLE = ImmutableMap.copyOf(t);
  }

  private ApiScopes() {}

  /** The scope {@code capability} needs. */
  public static ApiScope of(Capability capability) {
    return TABLE.get(capability);
  }

  /** The whole table, in capability order. */
  public static Map<Capability, ApiScope> table() {
    return TABLE;
  }

  /** A bit per capability (by ordinal) that some scope in {@code scopes} covers. */
  public static long coveredCapabilities(Iterable<ApiScope> scopes) {
    long mask = 0;
    for (Capability c : Capability.values()) {
      for (ApiScope s : scopes) {
        if (s.covers(TABLE.get(c))) {
          mask |= 1L << c.ordinal();
          break;
        }
      }
    }
    return mask;
  }

  private static ApiScope read(String object) {
    return new ApiScope(object, false);
  }

  private static ApiScope write(String object) {
    return new ApiScope(object, true);
  }
}

package dev.warden.apikey;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableSet;
import java.util.Set;

/**
 * What a personal API key may touch: {@code <object>:read}, {@code <object>:write} (which implies
 * read) or {@code *} (everything). Immutable.
 *
 * @param object the object kind, such as {@code feature_flag}, or {@code *}
 * @param write whether the scope allows writing (and therefore reading)
 */
public record ApiScope(String object, boolean write) {
  /** Every object kind a scope may name. */
  public static final Set<String> OBJECTS = ImmutableSet.of(
      "action", "activity_log", "annotation", "billing", "cohort", "dashboard", "experiment", "feature_flag",
      "insight", "notebook", "organization", "organization_member", "person", "project", "query",
      "session_recording");

  /** The scope that allows everything. */
  public static final ApiScope ALL = new ApiScope("*", true);

  public ApiScope {
    checkNotNull(object, "object");
    checkArgument(object.equals("*") ? write : OBJECTS.contains(object),
        "api key scope object must be one of %s or '*', but was '%s'", OBJECTS, object);
  }

  /**
   * Parses {@code object:read}, {@code object:write} or {@code *}.
   *
   * @throws IllegalArgumentException naming the scope if it is malformed or its object is unknown
   */
  public static ApiScope parse(String scope) {
    checkNotNull(scope, "scope");
    String s = scope.strip();
    if (s.equals("*")) {
      return ALL;
    }
    int colon = s.indexOf(':');
    checkArgument(colon > 0, "api key scope must be '<object>:read', '<object>:write' or '*', but was '%s'", scope);
    String access = s.substring(colon + 1);
    checkArgument(access.equals("read") || access.equals("write"),
        "api key scope must end in ':read' or ':write', but was '%s'", scope);
    String object = s.substring(0, colon);
    checkArgument(OBJECTS.contains(object), "unknown api key scope '%s': object must be one of %s", scope, OBJECTS);
    return new ApiScope(object, access.equals("write"));
  }

  /** Whether this scope allows {@code needed} (write implies read; {@code *} allows everything). */
  public boolean covers(ApiScope needed) {
    return object.equals("*") || (object.equals(needed.object) && (write || !needed.write));
  }

  @Override
  public String toString() {
    return object.equals("*") ? "*" : object + (write ? ":write" : ":read");
  }
}

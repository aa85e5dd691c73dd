package dev.warden.apikey;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.regex.Pattern;

/**
 * What a personal API key may touch: {@code <object>:read}, {@code <object>:write} (which implies
 * read) or {@code *} (everything). The objects a key may name are those of the policy's permission
 * model ({@link dev.warden.matrix.PermissionMatrix#scopeObjects()}); creating a key checks them.
 * Immutable.
 *
 * @param object the object kind, such as {@code feature_flag}, or {@code *}
 * @param write whether the scope allows writing (and therefore reading)
 */
public record ApiScope(String object, boolean write) {
  private static final Pattern OBJECT = Pattern.compile("[a-z][a-z0-9_]{0,63}");

  /** The scope that allows everything. */
  public static final ApiScope ALL = new ApiScope("*", true);

  public ApiScope {
    checkNotNull(object, "object");
    checkArgument(object.equals("*") ? write : OBJECT.matcher(object).matches(),
        "api key scope object must be 1-64 lower-case letters, digits and underscores, starting with a letter, or '*', but was '%s'",
        object);
  }

  /**
   * Parses {@code object:read}, {@code object:write} or {@code *}.
   *
   * @throws IllegalArgumentException naming the scope if it is malformed
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
    checkArgument(OBJECT.matcher(object).matches(),
        "api key scope '%s' must name an object of lower-case letters, digits and underscores", scope);
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

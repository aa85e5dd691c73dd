package dev.warden.matrix;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.Limits;
import java.util.regex.Pattern;

/**
 * The prefixes of the secrets Warden mints: personal API keys and public project ingestion tokens. A
 * distinctive prefix lets secret scanners recognise a leaked value. Warden's own ({@link #warden()},
 * {@code wdk_} and {@code wdt_}) are the default; {@link #posthog()} keeps PostHog's {@code phx_} and
 * {@code phc_}. Values minted under an earlier format keep working: a key is found by its hash, never
 * by its prefix. Immutable.
 *
 * @param apiKeyPrefix the prefix of personal API key values
 * @param projectTokenPrefix the prefix of project tokens
 */
public record TokenFormat(String apiKeyPrefix, String projectTokenPrefix) {
  private static final Pattern PREFIX = Pattern.compile(Limits.SECRET_PREFIX_REGEX);
  private static final TokenFormat WARDEN = new TokenFormat("wdk_", "wdt_");
  private static final TokenFormat POSTHOG = new TokenFormat("phx_", "phc_");

  public TokenFormat {
    requirePrefix(apiKeyPrefix, "api key prefix");
    requirePrefix(projectTokenPrefix, "project token prefix");
    checkArgument(!apiKeyPrefix.equals(projectTokenPrefix),
        "api key and project token prefixes must differ, but both were '%s'", apiKeyPrefix);
  }

  /** Warden's own prefixes: {@code wdk_} for API keys, {@code wdt_} for project tokens. The default. */
  public static TokenFormat warden() {
    return WARDEN;
  }

  /** PostHog's prefixes: {@code phx_} for API keys, {@code phc_} for project tokens. */
  public static TokenFormat posthog() {
    return POSTHOG;
  }

  /**
   * Checks a secret prefix: 2–16 lower-case letters, digits and underscores, starting with a letter and
   * ending with an underscore.
   *
   * @throws IllegalArgumentException naming {@code what} and the value otherwise
   */
  public static String requirePrefix(String prefix, String what) {
    checkNotNull(prefix, what);
    checkArgument(PREFIX.matcher(prefix).matches(),
        "%s must be 2-16 lower-case letters, digits and underscores, starting with a letter and ending with '_', but was '%s'",
        what, prefix);
    return prefix;
  }
}

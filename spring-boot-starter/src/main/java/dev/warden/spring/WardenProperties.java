package dev.warden.spring;

import dev.warden.jdbc.ChangeFeed;
import dev.warden.matrix.PermissionMatrix;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code warden.*} properties of the auto-configured {@link dev.warden.AccessPolicy}.
 *
 * <pre>
 * warden.matrix=posthog                 # or least-privilege
 * warden.staleness-bound=1s
 * warden.invite-validity=3d
 * warden.change-feed=listen-notify      # PostgreSQL; or polling (always polling on H2)
 * warden.jdbc.migrate=true              # false: validate only, for schemas migrated by a pipeline
 * </pre>
 *
 * Bound once at startup; not thread-safe while binding, read-only afterwards.
 */
@ConfigurationProperties("warden")
public class WardenProperties {
  /** The permission matrix preset. */
  public enum Matrix {
    /** {@link PermissionMatrix#posthog()}: PostHog's access control, the default. */
    POSTHOG,
    /** {@link PermissionMatrix#leastPrivilege()}: fewer rights for Members and Viewers. */
    LEAST_PRIVILEGE;

    PermissionMatrix build() {
      return this == POSTHOG ? PermissionMatrix.posthog() : PermissionMatrix.leastPrivilege();
    }
  }

  /** Permission matrix preset: posthog or least-privilege. A PermissionMatrix bean overrides it. */
  private Matrix matrix = Matrix.POSTHOG;

  /** How stale a cached organization snapshot may get before a check revalidates it (JDBC store). */
  private Duration stalenessBound = Duration.ofSeconds(1);

  /** How long an invite stays valid. */
  private Duration inviteValidity = Duration.ofDays(3);

  /**
   * How instances learn of each other's changes on PostgreSQL: listen-notify (default there) or polling
   * (CockroachDB, or to hold no extra connection). H2 always polls.
   */
  private ChangeFeed changeFeed;

  private final Jdbc jdbc = new Jdbc();

  public Matrix getMatrix() {
    return matrix;
  }

  public void setMatrix(Matrix matrix) {
    this.matrix = matrix;
  }

  public Duration getStalenessBound() {
    return stalenessBound;
  }

  public void setStalenessBound(Duration stalenessBound) {
    this.stalenessBound = stalenessBound;
  }

  public Duration getInviteValidity() {
    return inviteValidity;
  }

  public void setInviteValidity(Duration inviteValidity) {
    this.inviteValidity = inviteValidity;
  }

  public ChangeFeed getChangeFeed() {
    return changeFeed;
  }

  public void setChangeFeed(ChangeFeed changeFeed) {
    this.changeFeed = changeFeed;
  }

  public Jdbc getJdbc() {
    return jdbc;
  }

  /** The {@code warden.jdbc.*} properties of the JDBC store. */
  public static class Jdbc {
    /**
     * Whether Warden applies its own migrations (classpath:dev/warden/jdbc/migration, history in
     * warden_schema_history) at startup, after the application's Flyway or Liquibase. With false it only
     * validates, and refuses to start unless the schema is current.
     */
    private boolean migrate = true;

    public boolean isMigrate() {
      return migrate;
    }

    public void setMigrate(boolean migrate) {
      this.migrate = migrate;
    }
  }
}

package dev.warden.jdbc.internal;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.ErrorCode;
import dev.warden.StorageException;
import dev.warden.jdbc.Dialect;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Creates and upgrades the {@code warden_…} tables with Flyway, from this library's own classpath
 * location and in its own history table, so it never touches the host's migrations. Thread-safe.
 */
public final class SchemaMigration {
  /** Where the versioned migrations live: scripts ({@code V1__baseline.sql}, …) and Java classes. */
  public static final String LOCATION = "classpath:dev/warden/jdbc/migration";

  /** Flyway's history table for this library's migrations. */
  public static final String HISTORY_TABLE = "warden_schema_history";

  private SchemaMigration() {}

  /**
   * Checks that {@code dataSource} leads to the database {@code dialect} names, then applies every
   * pending migration; does nothing if the schema is current.
   *
   * @throws IllegalArgumentException if the database is not the one {@code dialect} names
   * @throws StorageException if the database cannot be reached or a migration fails
   */
  public static void migrate(DataSource dataSource, Dialect dialect) {
    Flyway flyway = flyway(dataSource, dialect);
    try {
      flyway.migrate();
    } catch (FlywayException e) {
      throw failure("could not migrate the Warden schema: ", e, dialect);
    }
  }

  /**
   * Checks that {@code dataSource} leads to the database {@code dialect} names and that every migration
   * is applied (none pending, none failed, none changed); changes nothing.
   *
   * @throws IllegalArgumentException if the database is not the one {@code dialect} names
   * @throws StorageException if the database cannot be reached or the schema is not current
   */
  public static void validate(DataSource dataSource, Dialect dialect) {
    Flyway flyway = flyway(dataSource, dialect);
    try {
      flyway.validate();
    } catch (FlywayException e) {
      throw failure("the Warden schema is not current (migrate it first, e.g. with JdbcStore.migrate): ", e, dialect);
    }
  }

  private static Flyway flyway(DataSource dataSource, Dialect dialect) {
    checkNotNull(dataSource, "dataSource");
    checkNotNull(dialect, "dialect");
    checkProduct(dataSource, dialect);
    return Flyway.configure(SchemaMigration.class.getClassLoader())
        .dataSource(dataSource)
        .locations(LOCATION)
        .table(HISTORY_TABLE)
        // The host's schema usually holds the host's tables already. Flyway calls a schema with tables
        // but without this history "non-empty" and would refuse; a baseline at version 0 lets V1 run.
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .baselineDescription("<< Warden baseline >>")
        // The scripts contain no placeholders; don't let a "${" in a comment become one.
        .placeholderReplacement(false)
        .validateMigrationNaming(true)
        .failOnMissingLocations(true)
        .load();
  }

  private static StorageException failure(String what, FlywayException e, Dialect dialect) {
    SQLException sql = sqlCause(e);
    ErrorCode code = sql != null && Failures.unavailable(sql, dialect)
        ? ErrorCode.STORE_UNAVAILABLE
        : ErrorCode.INTERNAL_ERROR;
    return new StorageException(code, what + e.getMessage(), e);
  }

  private static void checkProduct(DataSource dataSource, Dialect dialect) {
    Dialect actual = Dialect.of(dataSource);
    if (actual != dialect) {
      throw new IllegalArgumentException(
          "dialect " + dialect + " must be used with " + dialect.product() + ", but the data source leads to "
              + actual.product());
    }
  }

  private static SQLException sqlCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }
}

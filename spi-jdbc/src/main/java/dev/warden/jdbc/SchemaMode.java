package dev.warden.jdbc;

/**
 * What creating a {@link JdbcStore} does with the {@code warden_…} schema.
 *
 * <p>Warden's migrations live in {@code classpath:dev/warden/jdbc/migration} and are recorded in the
 * {@code warden_schema_history} table, apart from the host's own. A team that applies migrations in its
 * deployment pipeline, with a database user that may not create tables at run time, runs
 * {@link JdbcStore#migrate} there and creates the store with {@link #VALIDATE}.
 */
public enum SchemaMode {
  /** Apply every pending migration before the store is returned (the default). */
  MIGRATE,

  /**
   * Change nothing; refuse to create the store unless the schema is current (every migration this
   * version ships applied, none failed), so a forgotten pipeline step fails at startup rather than on
   * the first query.
   */
  VALIDATE
}

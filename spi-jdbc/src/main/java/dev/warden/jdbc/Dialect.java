package dev.warden.jdbc;

/**
 * The database a {@link JdbcStore} talks to. Most of the store's SQL is shared; the dialect picks the
 * statements that differ (such as how a grant is inserted or replaced in one statement) and the error
 * codes that mean "retry" or "unreachable".
 */
public enum Dialect {
  /**
   * PostgreSQL, through the {@code org.postgresql} driver: the production target (tested on
   * PostgreSQL 17). The schema and statements stay within what the PostgreSQL-compatible distributed
   * engines (CockroachDB, YugabyteDB) accept, but only PostgreSQL itself is tested. CockroachDB has no
   * {@code LISTEN/NOTIFY} (and YugabyteDB has long lacked it): use {@link ChangeFeed#POLLING} there; a
   * store created with {@link ChangeFeed#LISTEN_NOTIFY} checks for it and refuses to start without it.
   */
  POSTGRES,

  /** H2 2.x, in memory or on disk, in any compatibility mode: the zero-setup option. */
  H2
}

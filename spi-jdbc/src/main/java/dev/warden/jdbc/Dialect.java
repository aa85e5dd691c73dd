package dev.warden.jdbc;

import dev.warden.ErrorCode;
import dev.warden.StorageException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

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
  POSTGRES("PostgreSQL"),

  /** H2 2.x, in memory or on disk, in any compatibility mode: the zero-setup option. */
  H2("H2");

  private final String product;

  Dialect(String product) {
    this.product = product;
  }

  /** The database product name its JDBC driver reports, such as {@code PostgreSQL}. */
  public String product() {
    return product;
  }

  /**
   * The dialect of the database {@code dataSource} leads to, read from a connection's metadata
   * (CockroachDB and YugabyteDB answer as PostgreSQL through its driver).
   *
   * @throws StorageException ({@link ErrorCode#STORE_UNAVAILABLE}) if no connection can be had
   * @throws IllegalArgumentException if the database is neither PostgreSQL nor H2
   */
  public static Dialect of(DataSource dataSource) {
    String product;
    try (Connection connection = dataSource.getConnection()) {
      product = connection.getMetaData().getDatabaseProductName();
    } catch (SQLException e) {
      throw new StorageException(ErrorCode.STORE_UNAVAILABLE,
          "could not get a database connection (SQLState " + e.getSQLState() + ")", e);
    }
    for (Dialect dialect : values()) {
      if (dialect.product.equalsIgnoreCase(product)) {
        return dialect;
      }
    }
    throw new IllegalArgumentException(
        "Warden's JDBC store supports PostgreSQL and H2, but the data source leads to " + product);
  }
}

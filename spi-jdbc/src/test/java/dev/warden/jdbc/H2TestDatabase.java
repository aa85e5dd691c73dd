package dev.warden.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;

/**
 * A private in-memory H2 database behind a small pool, with H2's defaults (no compatibility mode, the
 * default lock timeout): the store needs no special settings. Closing it drops the database.
 */
final class H2TestDatabase extends HikariDataSource {
  private final JdbcDataSource h2;

  private H2TestDatabase(HikariConfig config, JdbcDataSource h2) {
    super(config);
    this.h2 = h2;
  }

  static H2TestDatabase create() {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:warden_" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    h2.setUser("sa");
    h2.setPassword("");
    HikariConfig config = new HikariConfig();
    config.setDataSource(h2);
    config.setMaximumPoolSize(12);
    config.setMinimumIdle(1);
    config.setPoolName("warden-h2-test");
    return new H2TestDatabase(config, h2);
  }

  /** Closes the pool, then drops the database (it outlives its connections: DB_CLOSE_DELAY=-1). */
  @Override
  public void close() {
    if (isClosed()) {
      return;
    }
    super.close();
    try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
      s.execute("SHUTDOWN");
    } catch (SQLException e) {
      throw new IllegalStateException("could not drop the H2 database", e);
    }
  }
}

package dev.warden.jdbc.internal;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.Lists;
import dev.warden.jdbc.Dialect;
import dev.warden.organization.OrgId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Runs statements on one transaction's connection: binds parameters, maps rows, and turns every
 * {@link SQLException} into a {@code StorageException}. Not thread-safe (neither is a transaction).
 */
final class Jdbc {

  /** A typed SQL NULL parameter; plain {@code null} is refused so every NULL says what it is. */
  enum Null {
    VARCHAR(Types.VARCHAR),
    BOOLEAN(Types.BOOLEAN),
    TIMESTAMP(Types.TIMESTAMP_WITH_TIMEZONE);

    private final int sqlType;

    Null(int sqlType) {
      this.sqlType = sqlType;
    }
  }

  /** Maps the current row of a result set. */
  @FunctionalInterface
  interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private final Connection connection;
  private final Dialect dialect;

  Jdbc(Connection connection, Dialect dialect) {
    this.connection = connection;
    this.dialect = dialect;
  }

  /** The most parameters {@link #listIn} puts in one statement. */
  static final int IN_LIST = 100;

  Dialect dialect() {
    return dialect;
  }

  /** Every row {@code sql} returns. */
  <T> List<T> list(String doing, String sql, Row<T> row, Object... params) {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        List<T> out = new ArrayList<>();
        while (rs.next()) {
          out.add(row.map(rs));
        }
        return out;
      }
    } catch (SQLException e) {
      throw Failures.translate(e, dialect, doing);
    }
  }

  /**
   * Every row of {@code select + " IN (?, …)" + rest} for {@code keys}, asked in statements of at most
   * {@value #IN_LIST} parameters (engines and drivers limit how many one statement takes).
   */
  <T> List<T> listIn(String doing, String select, String rest, List<String> keys, Row<T> row) {
    List<T> out = new ArrayList<>();
    for (List<String> chunk : Lists.partition(keys, IN_LIST)) {
      out.addAll(list(doing, select + " IN (" + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")" + rest,
          row, chunk.toArray()));
    }
    return out;
  }

  /**
   * The ids of {@code table}'s rows that belong to {@code organizations} (its {@code id} and
   * {@code org_id} columns), each with its organization: the policy's index of ids.
   */
  <K> Map<K, OrgId> idsByOrganization(String table, Collection<OrgId> organizations, Function<String, K> id) {
    checkNotNull(organizations, "organizations");
    Map<K, OrgId> ids = new HashMap<>();
    if (!organizations.isEmpty()) {
      listIn("listing the ids of " + table, "SELECT id, org_id FROM " + table + " WHERE org_id", "",
          organizations.stream().map(OrgId::value).toList(),
          rs -> ids.put(id.apply(rs.getString("id")), OrgId.of(rs.getString("org_id"))));
    }
    return ids;
  }

  /** The first row {@code sql} returns, if any. */
  <T> Optional<T> first(String doing, String sql, Row<T> row, Object... params) {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row.map(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw Failures.translate(e, dialect, doing);
    }
  }

  /** Runs an insert, update or delete; returns how many rows it touched. */
  int update(String doing, String sql, Object... params) {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      bind(ps, params);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw Failures.translate(e, dialect, doing);
    }
  }

  /** The most statements {@link #batch} sends in one {@code executeBatch}, so a large batch holds bounded memory. */
  static final int BATCH = 1_000;

  /**
   * Runs one statement for each parameter list, in batches of at most {@value #BATCH}; returns each
   * statement's update count, in order ({@link java.sql.Statement#SUCCESS_NO_INFO} where the driver
   * does not tell).
   */
  int[] batch(String doing, String sql, List<Object[]> rows) {
    int[] counts = new int[rows.size()];
    if (rows.isEmpty()) {
      return counts;
    }
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      int done = 0;
      for (List<Object[]> chunk : Lists.partition(rows, BATCH)) {
        for (Object[] params : chunk) {
          bind(ps, params);
          ps.addBatch();
        }
        int[] chunkCounts = ps.executeBatch();
        System.arraycopy(chunkCounts, 0, counts, done, chunkCounts.length);
        done += chunkCounts.length;
      }
      return counts;
    } catch (SQLException e) {
      throw Failures.translate(e, dialect, doing);
    }
  }

  /** The most parameters {@link #insertRows} binds to one statement (PostgreSQL's protocol allows 32,767). */
  static final int MAX_PARAMETERS = 30_000;

  /** The most rows {@link #insertRows} puts in one statement. */
  static final int MAX_ROWS = 1_000;

  /**
   * Writes {@code rows} (each {@code columns} parameters, in order) as multi-row statements
   * {@code head VALUES (?, …), (?, …), … tail}, as few as the parameter limits allow: a bulk write
   * costs a statement per thousand rows rather than per row (a batch of single-row statements still
   * executes each one on the server). {@code head} is an {@code INSERT} (or H2 {@code MERGE}) with its
   * column list, {@code tail} an optional conflict clause.
   */
  void insertRows(String doing, String head, String tail, int columns, List<Object[]> rows) {
    int perStatement = Math.min(MAX_ROWS, MAX_PARAMETERS / columns);
    String tuple = "(" + String.join(", ", Collections.nCopies(columns, "?")) + ")";
    for (List<Object[]> chunk : Lists.partition(rows, perStatement)) {
      Object[] params = new Object[chunk.size() * columns];
      for (int i = 0; i < chunk.size(); i++) {
        Object[] row = chunk.get(i);
        checkArgument(row.length == columns, "a row of %s must have %s values, but had %s", doing, columns, row.length);
        System.arraycopy(row, 0, params, i * columns, columns);
      }
      update(doing, head + " VALUES " + String.join(", ", Collections.nCopies(chunk.size(), tuple)) + tail, params);
    }
  }

  /** Binds {@code params} in order: strings, instants (to the microsecond), longs, ints, booleans and {@link Null}s. */
  static void bind(PreparedStatement ps, Object... params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      Object p = checkNotNull(params[i], "parameter %s is null; use Jdbc.Null", i + 1);
      int index = i + 1;
      if (p instanceof String s) {
        ps.setString(index, s);
      } else if (p instanceof Instant t) {
        ps.setObject(index, OffsetDateTime.ofInstant(micros(t), ZoneOffset.UTC));
      } else if (p instanceof Long l) {
        ps.setLong(index, l);
      } else if (p instanceof Integer n) {
        ps.setInt(index, n);
      } else if (p instanceof Boolean b) {
        ps.setBoolean(index, b);
      } else if (p instanceof Null n) {
        ps.setNull(index, n.sqlType);
      } else {
        throw new IllegalArgumentException("cannot bind a " + p.getClass().getName());
      }
    }
  }

  // ------------------------------------------------------------------------------- values

  /**
   * {@code t} truncated to what the database keeps. Every instant is written through this, and compared
   * after it, so a value read back equals the value written.
   */
  static Instant micros(Instant t) {
    return t.truncatedTo(ChronoUnit.MICROS);
  }

  static Optional<Instant> micros(Optional<Instant> t) {
    return t.map(Jdbc::micros);
  }

  /** The parameter for an optional instant. */
  static Object instant(Optional<Instant> t) {
    return t.<Object>map(x -> x).orElse(Null.TIMESTAMP);
  }

  /**
   * The rows of a list table: for each of {@code values}, in order, {@code (parent, position from 0,
   * value)}.
   */
  static List<Object[]> listRows(String parent, Iterable<String> values) {
    List<Object[]> rows = new ArrayList<>();
    for (String value : values) {
      rows.add(new Object[] {parent, rows.size(), value});
    }
    return rows;
  }

  /** The parameter for an optional string. */
  static Object text(Optional<String> s) {
    return s.<Object>map(x -> x).orElse(Null.VARCHAR);
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    if (t == null) {
      throw new SQLException("column " + column + " is unexpectedly NULL");
    }
    return t.toInstant();
  }

  static Optional<Instant> optionalInstant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? Optional.empty() : Optional.of(t.toInstant());
  }

  static Optional<String> optionalText(ResultSet rs, String column) throws SQLException {
    return Optional.ofNullable(rs.getString(column));
  }
}

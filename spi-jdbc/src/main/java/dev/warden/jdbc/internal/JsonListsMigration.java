package dev.warden.jdbc.internal;

import dev.warden.audit.Change;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Schema version 4.1 ({@code dev.warden.jdbc.migration.V4_1__Lists_from_json}): copies the JSON list
 * columns (added in version 2) into the tables of version 4, in order; version 4.2 then drops the
 * columns. Java rather than SQL because H2 cannot split a JSON array in SQL, and neither database can
 * undo a JSON {@code \}{@code uXXXX} escape portably.
 *
 * <p>The store only ever wrote arrays of strings and arrays of {@code {"field","before","after"}}
 * objects, in ASCII; this reads any JSON of that shape (whitespace, every string escape, keys in any
 * order), so a value edited by hand since is copied too. Anything else fails the migration, naming the
 * row: the copy runs in one transaction, so nothing of it is kept, and 4.2 (the drop) waits until it
 * succeeds.
 *
 * <p>Public for that migration class only; not API. Stateless; thread-safe.
 */
public final class JsonListsMigration {
  /** How many rows go into one batch. */
  private static final int BATCH = 500;

  private JsonListsMigration() {}

  /** Copies every JSON list on {@code c}, in the caller's transaction. */
  public static void copy(Connection c) throws SQLException {
    copy(c, "SELECT id, sso_enforced_domains FROM warden_organization",
        JdbcOrganizationRepository.INSERT_SSO_DOMAIN, (id, json) -> Jdbc.listRows(id, Json.strings(json)));
    copy(c, "SELECT id, scopes FROM warden_api_key",
        JdbcApiKeyRepository.INSERT_SCOPE, (id, json) -> Jdbc.listRows(id, Json.strings(json)));
    copy(c, "SELECT id, org_limits FROM warden_api_key",
        JdbcApiKeyRepository.INSERT_ORG_LIMIT, (id, json) -> Jdbc.listRows(id, Json.strings(json)));
    copy(c, "SELECT id, project_limits FROM warden_api_key",
        JdbcApiKeyRepository.INSERT_PROJECT_LIMIT, (id, json) -> Jdbc.listRows(id, Json.strings(json)));
    copy(c, "SELECT id, changes FROM warden_audit_entry",
        JdbcAuditRepository.INSERT_CHANGE, (id, json) -> JdbcAuditRepository.changeRows(id, Json.changes(json)));
  }

  @FunctionalInterface
  private interface Rows {
    List<Object[]> of(String id, String json);
  }

  /** Inserts, for each row {@code select} returns (id, JSON), the rows {@code rows} makes of it. */
  private static void copy(Connection c, String select, String insert, Rows rows) throws SQLException {
    try (Statement read = c.createStatement(); PreparedStatement write = c.prepareStatement(insert)) {
      read.setFetchSize(BATCH); // streams on PostgreSQL (inside a transaction), where the audit log may be large
      int pending = 0;
      try (ResultSet rs = read.executeQuery(select)) {
        while (rs.next()) {
          String id = rs.getString(1);
          List<Object[]> batch;
          try {
            batch = rows.of(id, rs.getString(2));
          } catch (IllegalArgumentException e) {
            // The id is not secret; the value is not repeated.
            throw new SQLException(
                "cannot copy the JSON list of row " + id + " (" + select + "): " + e.getMessage(), e);
          }
          for (Object[] params : batch) {
            Jdbc.bind(write, params);
            write.addBatch();
            if (++pending == BATCH) {
              write.executeBatch();
              pending = 0;
            }
          }
        }
      }
      if (pending > 0) {
        write.executeBatch();
      }
    }
  }

  /** A reader for the JSON the store used to write; a malformed value is an {@link IllegalArgumentException}. */
  static final class Json {
    private final String s;
    private int i;

    private Json(String s) {
      if (s == null) {
        throw new IllegalArgumentException("the column is NULL");
      }
      this.s = s;
    }

    /** The strings of a JSON array of strings. */
    static List<String> strings(String json) {
      Json r = new Json(json);
      List<String> values = new ArrayList<>();
      r.expect('[');
      if (!r.consume(']')) {
        do {
          values.add(r.string());
        } while (r.consume(','));
        r.expect(']');
      }
      r.end();
      return values;
    }

    /** The changes of a JSON array of {@code {"field": "…", "before": "…"|null, "after": "…"|null}}. */
    static List<Change> changes(String json) {
      Json r = new Json(json);
      List<Change> changes = new ArrayList<>();
      r.expect('[');
      if (!r.consume(']')) {
        do {
          Map<String, Optional<String>> fields = new HashMap<>();
          r.expect('{');
          if (!r.consume('}')) {
            do {
              String key = r.string();
              r.expect(':');
              fields.put(key, r.stringOrNull());
            } while (r.consume(','));
            r.expect('}');
          }
          Optional<String> field = fields.getOrDefault("field", Optional.empty());
          if (field.isEmpty() || field.get().isBlank()) {
            throw r.malformed("a change with a field");
          }
          changes.add(new Change(field.get(), fields.getOrDefault("before", Optional.empty()),
              fields.getOrDefault("after", Optional.empty())));
        } while (r.consume(','));
        r.expect(']');
      }
      r.end();
      return changes;
    }

    private void skipWhitespace() {
      while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
    }

    private void expect(char c) {
      if (!consume(c)) {
        throw malformed("'" + c + "'");
      }
    }

    private boolean consume(char c) {
      skipWhitespace();
      if (i < s.length() && s.charAt(i) == c) {
        i++;
        return true;
      }
      return false;
    }

    private Optional<String> stringOrNull() {
      skipWhitespace();
      if (s.startsWith("null", i)) {
        i += 4;
        return Optional.empty();
      }
      return Optional.of(string());
    }

    private String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (true) {
        if (i >= s.length()) {
          throw malformed("a closing quote");
        }
        char c = s.charAt(i++);
        if (c == '"') {
          return out.toString();
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        if (i >= s.length()) {
          throw malformed("an escape");
        }
        char e = s.charAt(i++);
        switch (e) {
          case '"', '\\', '/' -> out.append(e);
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> {
            if (i + 4 > s.length() || !s.substring(i, i + 4).chars().allMatch(HexFormat::isHexDigit)) {
              throw malformed("four hex digits");
            }
            out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> throw malformed("an escape");
        }
      }
    }

    private void end() {
      skipWhitespace();
      if (i != s.length()) {
        throw malformed("the end of the text");
      }
    }

    private IllegalArgumentException malformed(String expected) {
      // The position only: stored values never go into messages.
      return new IllegalArgumentException("malformed JSON: expected " + expected + " at offset " + i);
    }
  }
}

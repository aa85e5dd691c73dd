package dev.warden.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.AccessPolicy;
import dev.warden.Page;
import dev.warden.PageRequest;
import dev.warden.Principal;
import dev.warden.apikey.ApiKeyRequest;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.OrgId;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectId;
import dev.warden.spi.ApiKeyRepository;
import dev.warden.spi.AuditRepository;
import dev.warden.spi.GrantRepository;
import dev.warden.spi.InviteRepository;
import dev.warden.spi.MembershipRepository;
import dev.warden.spi.OrganizationRepository;
import dev.warden.spi.ProjectRepository;
import dev.warden.spi.Store;
import dev.warden.spi.Transaction;
import dev.warden.testing.FakeClock;
import dev.warden.testing.ForwardingAuditRepository;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Audit export round trip (SPEC §10, issue 6): JSON Lines and CSV parse back (with the small parsers
 * below) to exactly the entries a query returns, awkward characters included, newest first; exports
 * stream page by page.
 */
class AuditExportTest {
  /** Quotes, commas, backslashes, non-ASCII, an astral emoji; no control characters (ids and names refuse them). */
  private static final String AWKWARD = "O'Brien, \"Jr\" \\ back\\slash é 中文 🎉 /";
  /** Notes take control characters too. */
  private static final String AWKWARD_NOTE = "line one\nline two, \"quoted\"\r\nthree\\four\ttab é 中文 🎉 \u2028 \u0001 end";

  private FakeClock clock;
  private CountingStore store;
  private AccessPolicy policy;
  private Principal owner;
  private Principal member;
  private OrgId org;

  @BeforeEach
  void setUp() {
    clock = FakeClock.create();
    store = new CountingStore(InMemoryStore.create());
    policy = AccessPolicy.builder().clock(clock).store(store).build();
    owner = Principal.user(UserId.of("owner " + AWKWARD), "o\"w,n\\er@acme.com");
    member = Principal.user(UserId.of("member, \"m\""), "member@acme.com");
    org = policy.organizations().create(owner, "Acme, \"Q\" \\ é🎉").id();
    IssuedInvite invite = policy.invites().create(owner, org, InviteRequest.to("member@acme.com"));
    policy.invites().accept(invite.token(), member, "member@acme.com");
    clock.advance(Duration.ofSeconds(1));
    policy.members().setNote(owner, org, member.userId(), AWKWARD_NOTE);
    policy.members().setNote(owner, org, member.userId(), AWKWARD);
    Project project = policy.projects().create(owner, org, "Proj " + AWKWARD.substring(0, 30));
    clock.advance(Duration.ofSeconds(1));
    policy.projects().rename(owner, project.id(), "Renamed, \"x\" \\ ü");
    policy.projects().rotateToken(owner, project.id());
    // A denied attempt, recorded with an empty change list.
    try {
      policy.organizations().rename(member, org, "denied");
    } catch (dev.warden.PermissionDeniedException expected) {
      // recorded as organization.renamed.denied
    }
  }

  private List<AuditEntry> queryAll(AuditQuery query) {
    List<AuditEntry> all = new ArrayList<>();
    Page<AuditEntry> page = policy.audit().query(owner, query, PageRequest.first(100));
    all.addAll(page.items());
    while (page.nextCursor().isPresent()) {
      page = policy.audit().query(owner, query, PageRequest.after(page.nextCursor().get(), 100));
      all.addAll(page.items());
    }
    return all;
  }

  private String jsonLines(AuditQuery query) throws IOException {
    StringWriter out = new StringWriter();
    policy.audit().exportJsonLines(owner, query, out);
    return out.toString();
  }

  private String csv(AuditQuery query) throws IOException {
    StringWriter out = new StringWriter();
    policy.audit().exportCsv(owner, query, out);
    return out.toString();
  }

  // ------------------------------------------------------------------------------------------ JSON Lines

  @Test
  void jsonLines_parseBackToTheSameEntries_newestFirst() throws IOException {
    AuditQuery query = AuditQuery.organization(org);
    List<AuditEntry> expected = queryAll(query);

    String text = jsonLines(query);

    assertThat(text).endsWith("\n").doesNotContain("\r").doesNotContain("\u2028");
    String[] lines = text.split("\n", -1);
    assertThat(lines).hasSize(expected.size() + 1);
    assertThat(lines[lines.length - 1]).isEmpty();
    List<AuditEntry> parsed = new ArrayList<>();
    for (int i = 0; i < expected.size(); i++) {
      parsed.add(fromJson(Json.parse(lines[i])));
    }
    assertThat(parsed).isEqualTo(expected);
    assertThat(parsed).anySatisfy(e -> assertThat(e.changes()).anySatisfy(c -> assertThat(c.after()).contains(AWKWARD_NOTE)));
    assertThat(parsed).anySatisfy(e -> assertThat(e.actor().user()).contains(owner.userId().value()));
    assertThat(parsed).anySatisfy(e -> assertThat(e.action()).endsWith(".denied"));
  }

  @Test
  void jsonLines_ownEntries_withoutOrganization_roundTrip() throws IOException {
    policy.apiKeys().create(owner, ApiKeyRequest.labeled("deploy, \"prod\" \\ ü 🎉").scopes("query:read", "*"));
    AuditQuery query = AuditQuery.actor(owner.userId().value());
    List<AuditEntry> expected = queryAll(query);

    List<AuditEntry> parsed = new ArrayList<>();
    for (String line : jsonLines(query).split("\n")) {
      parsed.add(fromJson(Json.parse(line)));
    }

    assertThat(parsed).isEqualTo(expected);
    assertThat(parsed.get(0).action()).isEqualTo("api_key.created");
    assertThat(parsed.get(0).organization()).isEmpty();
    assertThat(parsed.get(0).changes().get(0).after()).contains("deploy, \"prod\" \\ ü 🎉");
  }

  @Test
  void jsonLines_eachLineIsOneJsonObjectWithTheDocumentedFields() throws IOException {
    for (String line : jsonLines(AuditQuery.organization(org)).split("\n")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> object = (Map<String, Object>) Json.parse(line);
      assertThat(object).containsOnlyKeys("id", "at", "organization", "project", "actor", "action", "target", "changes");
    }
  }

  @SuppressWarnings("unchecked")
  private static AuditEntry fromJson(Object parsed) {
    Map<String, Object> m = (Map<String, Object>) parsed;
    Map<String, Object> actor = (Map<String, Object>) m.get("actor");
    List<Change> changes = new ArrayList<>();
    for (Object c : (List<Object>) m.get("changes")) {
      Map<String, Object> change = (Map<String, Object>) c;
      changes.add(new Change((String) change.get("field"), Optional.ofNullable((String) change.get("before")),
          Optional.ofNullable((String) change.get("after"))));
    }
    return new AuditEntry((String) m.get("id"),
        Optional.ofNullable((String) m.get("organization")).map(OrgId::of),
        Optional.ofNullable((String) m.get("project")).map(ProjectId::of),
        new Actor(Actor.Kind.valueOf((String) actor.get("kind")), Optional.ofNullable((String) actor.get("user")),
            Optional.ofNullable((String) actor.get("apiKey"))),
        (String) m.get("action"),
        Optional.ofNullable((String) m.get("target")),
        changes,
        Instant.parse((String) m.get("at")));
  }

  // ------------------------------------------------------------------------------------------ CSV

  private static final List<String> HEADER = List.of("id", "at", "organization", "project", "actor_kind", "actor_user",
      "actor_key", "action", "target", "changes");

  @Test
  void csv_parsesBackToTheSameEntries_headerFirst_newestFirst() throws IOException {
    AuditQuery query = AuditQuery.organization(org);
    List<AuditEntry> expected = queryAll(query);

    String text = csv(query);
    List<List<String>> rows = Csv.parse(text);

    assertThat(text).startsWith(String.join(",", HEADER) + "\r\n").endsWith("\r\n");
    assertThat(rows.get(0)).isEqualTo(HEADER);
    assertThat(rows).hasSize(expected.size() + 1);
    List<AuditEntry> parsed = rows.subList(1, rows.size()).stream().map(AuditExportTest::fromCsv).toList();
    assertThat(parsed).isEqualTo(expected);
    assertThat(parsed).anySatisfy(e -> assertThat(e.changes()).anySatisfy(c -> assertThat(c.after()).contains(AWKWARD_NOTE)));
  }

  @Test
  void csv_ownEntries_withoutOrganization_roundTrip() throws IOException {
    policy.apiKeys().create(owner, ApiKeyRequest.labeled("deploy, \"prod\" \\ ü 🎉").scopes("*"));
    AuditQuery query = AuditQuery.actor(owner.userId().value());

    List<List<String>> rows = Csv.parse(csv(query));

    assertThat(rows.subList(1, rows.size()).stream().map(AuditExportTest::fromCsv).toList()).isEqualTo(queryAll(query));
  }

  private static AuditEntry fromCsv(List<String> row) {
    assertThat(row).hasSize(HEADER.size());
    List<Change> changes = new ArrayList<>();
    for (Object c : (List<?>) Json.parse(row.get(9))) {
      Map<?, ?> change = (Map<?, ?>) c;
      changes.add(new Change((String) change.get("field"), Optional.ofNullable((String) change.get("before")),
          Optional.ofNullable((String) change.get("after"))));
    }
    return new AuditEntry(row.get(0),
        nonEmpty(row.get(2)).map(OrgId::of),
        nonEmpty(row.get(3)).map(ProjectId::of),
        new Actor(Actor.Kind.valueOf(row.get(4)), nonEmpty(row.get(5)), nonEmpty(row.get(6))),
        row.get(7),
        nonEmpty(row.get(8)),
        changes,
        Instant.parse(row.get(1)));
  }

  private static Optional<String> nonEmpty(String s) {
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  // ------------------------------------------------------------------------------------------ filters + streaming

  @Test
  void exports_followTheQueryFilters() throws IOException {
    AuditQuery query = AuditQuery.organization(org).action("member.note_changed");
    List<AuditEntry> expected = queryAll(query);
    assertThat(expected).hasSize(2);

    List<AuditEntry> fromJson = new ArrayList<>();
    for (String line : jsonLines(query).split("\n")) {
      fromJson.add(fromJson(Json.parse(line)));
    }
    List<List<String>> rows = Csv.parse(csv(query));

    assertThat(fromJson).isEqualTo(expected);
    assertThat(rows.subList(1, rows.size()).stream().map(AuditExportTest::fromCsv).toList()).isEqualTo(expected);
  }

  @Test
  void exports_emptyResult_csvIsJustTheHeader_jsonLinesIsEmpty() throws IOException {
    AuditQuery query = AuditQuery.organization(org).action("nothing.matches");
    assertThat(jsonLines(query)).isEmpty();
    assertThat(csv(query)).isEqualTo(String.join(",", HEADER) + "\r\n");
  }

  @Test
  void exports_streamPageByPage_forLargeLogs() throws IOException {
    for (int i = 0; i < 1_100; i++) {
      if (i % 100 == 0) {
        clock.advance(Duration.ofSeconds(1));
      }
      policy.members().setNote(owner, org, member.userId(), "note " + i + ", \"" + AWKWARD + "\"");
    }
    AuditQuery query = AuditQuery.organization(org);
    List<AuditEntry> expected = queryAll(query);
    assertThat(expected).hasSizeGreaterThan(1_100);

    for (boolean asCsv : new boolean[] {false, true}) {
      StringWriter out = new StringWriter();
      store.watch(out);
      if (asCsv) {
        policy.audit().exportCsv(owner, query, out);
      } else {
        policy.audit().exportJsonLines(owner, query, out);
      }
      List<int[]> reads = store.stopWatching();

      // Several bounded store reads, each after the previous page was already written out.
      assertThat(reads).hasSizeGreaterThanOrEqualTo(3);
      assertThat(reads).allSatisfy(r -> assertThat(r[0]).as("limit of one read").isLessThanOrEqualTo(1_001));
      for (int i = 1; i < reads.size(); i++) {
        assertThat(reads.get(i)[1]).as("output written before read %s", i).isGreaterThan(reads.get(i - 1)[1]);
      }
      List<AuditEntry> parsed = new ArrayList<>();
      if (asCsv) {
        List<List<String>> rows = Csv.parse(out.toString());
        rows.subList(1, rows.size()).forEach(r -> parsed.add(fromCsv(r)));
      } else {
        for (String line : out.toString().split("\n")) {
          parsed.add(fromJson(Json.parse(line)));
        }
      }
      assertThat(parsed).as(asCsv ? "csv" : "json lines").isEqualTo(expected);
    }
  }

  // ------------------------------------------------------------------------------------------ parsers

  /** A small, strict JSON parser: objects (as LinkedHashMap), arrays, strings, numbers, true/false/null. */
  static final class Json {
    private final String s;
    private int i;

    private Json(String s) {
      this.s = s;
    }

    static Object parse(String text) {
      Json p = new Json(text);
      Object value = p.value();
      p.ws();
      if (p.i != text.length()) {
        throw new IllegalArgumentException("trailing characters at " + p.i + ": " + text);
      }
      return value;
    }

    private void ws() {
      while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
    }

    private void expect(char c) {
      ws();
      if (i >= s.length() || s.charAt(i) != c) {
        throw new IllegalArgumentException("expected '" + c + "' at " + i + " in " + s);
      }
      i++;
    }

    private Object value() {
      ws();
      char c = s.charAt(i);
      switch (c) {
        case '{': {
          Map<String, Object> map = new LinkedHashMap<>();
          i++;
          ws();
          if (s.charAt(i) == '}') {
            i++;
            return map;
          }
          do {
            ws();
            String key = string();
            expect(':');
            if (map.put(key, value()) != null) {
              throw new IllegalArgumentException("duplicate key " + key);
            }
            ws();
          } while (s.charAt(i++) == ',');
          if (s.charAt(i - 1) != '}') {
            throw new IllegalArgumentException("expected '}' at " + (i - 1));
          }
          return map;
        }
        case '[': {
          List<Object> list = new ArrayList<>();
          i++;
          ws();
          if (s.charAt(i) == ']') {
            i++;
            return list;
          }
          do {
            list.add(value());
            ws();
          } while (s.charAt(i++) == ',');
          if (s.charAt(i - 1) != ']') {
            throw new IllegalArgumentException("expected ']' at " + (i - 1));
          }
          return list;
        }
        case '"':
          return string();
        default:
          if (s.startsWith("null", i)) {
            i += 4;
            return null;
          }
          if (s.startsWith("true", i)) {
            i += 4;
            return Boolean.TRUE;
          }
          if (s.startsWith("false", i)) {
            i += 5;
            return Boolean.FALSE;
          }
          int start = i;
          while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
            i++;
          }
          if (start == i) {
            throw new IllegalArgumentException("unexpected '" + c + "' at " + i);
          }
          return Double.parseDouble(s.substring(start, i));
      }
    }

    private String string() {
      if (s.charAt(i) != '"') {
        throw new IllegalArgumentException("expected a string at " + i);
      }
      i++;
      StringBuilder b = new StringBuilder();
      while (true) {
        char c = s.charAt(i++);
        if (c == '"') {
          return b.toString();
        }
        if (c < 0x20) {
          throw new IllegalArgumentException("raw control character in a JSON string at " + (i - 1));
        }
        if (c != '\\') {
          b.append(c);
          continue;
        }
        char e = s.charAt(i++);
        switch (e) {
          case '"' -> b.append('"');
          case '\\' -> b.append('\\');
          case '/' -> b.append('/');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> {
            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> throw new IllegalArgumentException("bad escape \\" + e + " at " + (i - 1));
        }
      }
    }
  }

  /** A small RFC 4180 parser: CRLF-separated records, quoted fields with doubled quotes, CR and LF. */
  static final class Csv {
    static List<List<String>> parse(String text) {
      List<List<String>> rows = new ArrayList<>();
      List<String> row = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      int i = 0;
      boolean quoted = false;
      boolean fieldStarted = false;
      while (i < text.length()) {
        char c = text.charAt(i);
        if (quoted) {
          if (c == '"') {
            if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
              field.append('"');
              i += 2;
              continue;
            }
            quoted = false;
            i++;
            continue;
          }
          field.append(c);
          i++;
          continue;
        }
        if (c == '"') {
          if (field.length() > 0) {
            throw new IllegalArgumentException("quote inside an unquoted field at " + i);
          }
          quoted = true;
          fieldStarted = true;
          i++;
        } else if (c == ',') {
          row.add(field.toString());
          field.setLength(0);
          fieldStarted = false;
          i++;
        } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          row.add(field.toString());
          field.setLength(0);
          fieldStarted = false;
          rows.add(row);
          row = new ArrayList<>();
          i += 2;
        } else if (c == '\r' || c == '\n') {
          throw new IllegalArgumentException("bare line break outside quotes at " + i);
        } else {
          field.append(c);
          fieldStarted = true;
          i++;
        }
      }
      if (quoted) {
        throw new IllegalArgumentException("unterminated quoted field");
      }
      if (fieldStarted || !row.isEmpty()) {
        row.add(field.toString());
        rows.add(row);
      }
      return rows;
    }
  }

  // ------------------------------------------------------------------------------------------ counting store

  /** Records each audit read (its limit, and how much output had been written when it ran). */
  static final class CountingStore implements Store {
    private final Store delegate;
    private volatile StringWriter watched;
    private final List<int[]> reads = new ArrayList<>();

    CountingStore(Store delegate) {
      this.delegate = delegate;
    }

    void watch(StringWriter out) {
      reads.clear();
      watched = out;
    }

    List<int[]> stopWatching() {
      watched = null;
      return List.copyOf(reads);
    }

    @Override
    public <T> T inTransaction(Function<Transaction, T> work) {
      return delegate.inTransaction(tx -> work.apply(new dev.warden.spi.ForwardingTransaction(tx) {
        @Override
        public AuditRepository audit() {
          return new ForwardingAuditRepository(tx.audit()) {
            @Override
            public List<AuditEntry> query(AuditQuery query, Optional<AuditCursor> after, int limit) {
              StringWriter out = watched;
              if (out != null) {
                reads.add(new int[] {limit, out.getBuffer().length()});
              }
              return super.query(query, after, limit);
            }
          };
        }
      }));
    }
  }
}

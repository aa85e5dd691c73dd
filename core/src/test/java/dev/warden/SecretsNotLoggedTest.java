package dev.warden;

import static org.assertj.core.api.Assertions.assertThat;

import dev.warden.apikey.ApiKeyRequest;
import dev.warden.apikey.IssuedApiKey;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditQuery;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectRole;
import dev.warden.spi.Store;
import dev.warden.spi.Transaction;
import dev.warden.testing.FakeClock;
import dev.warden.testing.ForwardingAuditRepository;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Secrets never leave Warden except where they are shown once (SPEC §4, §9, §10, §11; issue 6): no
 * invite token, project token or API key value appears in log output (SLF4J, read by
 * {@link LogCapture}), in any {@code toString}, in audit entries or exports,
 * or in exception messages.
 */
class SecretsNotLoggedTest {
  static {
    // Best effort: if this class is the first to touch SLF4J in the JVM, Warden's debug lines are
    // captured too. slf4j-simple reads per-logger levels when each logger is created.
    System.setProperty("org.slf4j.simpleLogger.log.dev.warden", "debug");
  }

  private LogCapture logs;

  private final List<String> secrets = new ArrayList<>();
  /** Everything that must be free of secrets: toStrings, entries, exports, exception texts. */
  private final StringBuilder texts = new StringBuilder();

  private FakeClock clock;
  private InMemoryStore memory;
  private AccessPolicy policy;
  private Principal alice;
  private Principal bob;
  private OrgId org;

  @BeforeEach
  void captureLogs() {
    logs = LogCapture.start();
  }

  @AfterEach
  void stopCapturing() {
    logs.close();
  }

  private String log() {
    return logs.text();
  }

  private void text(Object o) {
    texts.append(o).append('\n');
  }

  private void secret(String value) {
    secrets.add(value);
  }

  /** Runs {@code r}, which must fail; keeps the exception's message, toString and stack trace. */
  private void failing(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      text(e.getMessage());
      text(e);
      text(trace);
      return;
    }
    throw new AssertionError("expected a failure");
  }

  private void assertNoSecretIn(String what, String haystack) {
    assertThat(secrets).isNotEmpty();
    for (String s : secrets) {
      assertThat(haystack).as("%s must not contain a secret", what).doesNotContain(s).doesNotContain(s.substring(4));
    }
  }

  private void buildWorld() {
    clock = FakeClock.create();
    memory = InMemoryStore.create();
    policy = AccessPolicy.builder().clock(clock).store(memory)
        .notifier(event -> {
          throw new IllegalStateException("mail server down while telling " + event);
        })
        .auditSink(entry -> {
          throw new IllegalStateException("SIEM down, dropped " + entry);
        })
        .build();
    alice = Principal.user(UserId.of("alice"), "alice@acme.com");
    bob = Principal.user(UserId.of("bob"), "bob@acme.com");
    org = policy.organizations().create(alice, "Acme Corp").id();
  }

  @Test
  void secrets_neverInLogsToStringsAuditEntriesOrExceptionMessages() throws IOException {
    buildWorld();
    Project prod = policy.projects().create(alice, org, "Production");
    secret(prod.token());
    text(prod);

    // Invites: issued, replaced, used, expired.
    IssuedInvite replaced = policy.invites().create(alice, org, InviteRequest.to("bob@acme.com"));
    IssuedInvite invite = policy.invites().create(alice, org,
        InviteRequest.to("bob@acme.com").grant(prod.id(), ProjectRole.VIEWER));
    IssuedInvite expiring = policy.invites().create(alice, org, InviteRequest.to("carol@acme.com"));
    IssuedInvite revoked = policy.invites().create(alice, org, InviteRequest.to("dave@acme.com"));
    for (IssuedInvite i : List.of(replaced, invite, expiring, revoked)) {
      secret(i.token());
      text(i);
      text(i.invite());
    }
    text(policy.invites().listPending(alice, org));
    failing(() -> policy.invites().accept(invite.token(), bob, "mallory@acme.com"));
    failing(() -> policy.invites().accept(replaced.token(), bob, "bob@acme.com"));
    text(policy.invites().accept(invite.token(), bob, "bob@acme.com"));
    failing(() -> policy.invites().accept(invite.token(), bob, "bob@acme.com"));
    failing(() -> policy.invites().accept(invite.token(), Principal.user("eve"), "bob@acme.com"));
    policy.invites().revoke(alice, org, revoked.id());
    failing(() -> policy.invites().accept(revoked.token(), Principal.user("dave"), "dave@acme.com"));
    clock.advance(Duration.ofDays(4));
    failing(() -> policy.invites().accept(expiring.token(), Principal.user("carol"), "carol@acme.com"));
    failing(() -> policy.invites().accept(prod.token(), bob, "bob@acme.com"));

    // Project tokens: rotated away and current.
    Project rotated = policy.projects().rotateToken(alice, prod.id());
    secret(rotated.token());
    text(rotated);
    text(policy.resolveProjectToken(rotated.token()));
    text(policy.resolveProjectToken(prod.token()));
    failing(() -> policy.projects().rotateToken(bob, prod.id()));
    text(policy.visibleProjects(alice, org));
    text(policy.visibleProjects(bob, org, PageRequest.first(1)));

    // API keys: issued, rolled away, revoked; principals.
    IssuedApiKey key = policy.apiKeys().create(bob, ApiKeyRequest.labeled("CI").scopes("query:read"));
    IssuedApiKey rolled = policy.apiKeys().roll(bob, key.key().id());
    IssuedApiKey gone = policy.apiKeys().create(bob, ApiKeyRequest.labeled("old").scopes("*"));
    policy.apiKeys().revoke(bob, gone.key().id());
    for (IssuedApiKey k : List.of(key, rolled, gone)) {
      secret(k.value());
      text(k);
      text(k.key());
    }
    text(policy.apiKeys().list(bob));
    Principal viaKey = policy.apiKeys().authenticate(rolled.value()).orElseThrow();
    text(viaKey);
    text(viaKey.apiKey().orElseThrow());
    text(policy.apiKeys().authenticate(key.value()));
    text(policy.apiKeys().authenticate(gone.value()));
    text(policy.explain(viaKey, Capability.VIEW_DATA, prod.id()));
    text(policy.explain(viaKey, Capability.MANAGE_PROJECT_SETTINGS, prod.id()));
    text(policy.check(viaKey, Capability.VIEW_DATA, prod.id()));
    failing(() -> policy.apiKeys().create(viaKey, ApiKeyRequest.labeled("k").scopes("*")));
    failing(() -> policy.apiKeys().roll(alice, key.key().id()));
    failing(() -> policy.apiKeys().revoke(viaKey, key.key().id()));
    failing(() -> policy.projects().rotateToken(viaKey, prod.id()));
    for (int i = 0; i < 9; i++) {
      policy.apiKeys().create(bob, ApiKeyRequest.labeled("k" + i).scopes("*"));
    }
    failing(() -> policy.apiKeys().create(bob, ApiKeyRequest.labeled("eleventh").scopes("*")));
    failing(() -> policy.apiKeys().create(alice, ApiKeyRequest.labeled("k").scopes("nonsense:read")));

    // Everything else a caller can print.
    text(policy.members().list(alice, org));
    text(policy.organizations().list(alice));
    text(policy.whoCan(Capability.VIEW_DATA, prod.id()));
    text(policy.whoCan(Capability.VIEW_ORGANIZATION, org));
    policy.members().changeLevel(alice, org, bob.userId(), OrgLevel.ADMIN);
    text(policy.sweepExpired());

    // Audit entries, queries and exports.
    List<AuditEntry> entries = new ArrayList<>();
    entries.addAll(policy.audit().query(alice, AuditQuery.organization(org), PageRequest.first(1000)).items());
    entries.addAll(policy.audit().query(bob, AuditQuery.actor("bob"), PageRequest.first(1000)).items());
    assertThat(entries).anySatisfy(e -> assertThat(e.toString()).contains("masked"));
    entries.forEach(this::text);
    StringWriter export = new StringWriter();
    policy.audit().exportJsonLines(alice, AuditQuery.organization(org), export);
    policy.audit().exportCsv(alice, AuditQuery.organization(org), export);
    policy.audit().exportJsonLines(bob, AuditQuery.actor("bob"), export);
    policy.audit().exportCsv(bob, AuditQuery.actor("bob"), export);
    text(export);

    // The failing notifier and sink were logged (so the capture works), without secrets.
    String log = log();
    assertThat(log).contains("audit sink failed").contains("SIEM down").contains("after-commit action failed");
    assertNoSecretIn("log output", log);
    assertNoSecretIn("toString, entries, exports and exceptions", texts.toString());
  }

  @Test
  void secrets_notInTheFailClosedErrorLog_norInDeniedAttemptFailures() {
    buildWorld();
    Project prod = policy.projects().create(alice, org, "Production");
    secret(prod.token());
    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("bob@acme.com"));
    secret(invite.token());
    policy.invites().accept(invite.token(), bob, "bob@acme.com");
    IssuedApiKey key = policy.apiKeys().create(bob, ApiKeyRequest.labeled("CI").scopes("*"));
    secret(key.value());
    Principal viaKey = policy.apiKeys().authenticate(key.value()).orElseThrow();

    // A second policy over the same data whose store fails: checks fail closed and log the error.
    AccessPolicy broken = AccessPolicy.builder().clock(clock).store(new BrokenStore(memory)).build();
    Decision d = broken.check(viaKey, Capability.VIEW_DATA, prod.id());
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.DENY);
    assertThat(d.reason()).isIn(Reason.INTERNAL_ERROR, Reason.STORE_UNAVAILABLE);
    text(broken.explain(viaKey, Capability.VIEW_DATA, prod.id()));
    failing(() -> broken.apiKeys().authenticate(key.value()));
    failing(() -> broken.invites().accept(invite.token(), bob, "bob@acme.com"));
    failing(() -> broken.projects().rotateToken(viaKey, prod.id()));

    // A third whose store refuses denied entries: the refused attempt is logged as unrecorded.
    AccessPolicy noDenied = AccessPolicy.builder().clock(clock).store(new NoDeniedEntriesStore(memory)).build();
    failing(() -> noDenied.projects().rotateToken(viaKey, prod.id()));
    failing(() -> noDenied.members().remove(viaKey, org, alice.userId()));

    String log = log();
    assertThat(log).contains("fail closed").contains("could not record a denied");
    assertNoSecretIn("log output", log);
    assertNoSecretIn("exceptions", texts.toString());
  }

  /** A store that cannot append {@code .denied} entries (their message names the entry). */
  private static final class NoDeniedEntriesStore implements Store {
    private final Store delegate;

    NoDeniedEntriesStore(Store delegate) {
      this.delegate = delegate;
    }

    @Override
    public <T> T inTransaction(Function<Transaction, T> work) {
      return delegate.inTransaction(tx -> work.apply(new dev.warden.spi.ForwardingTransaction(tx) {
        @Override
        public dev.warden.spi.AuditRepository audit() {
          return new ForwardingAuditRepository(tx.audit()) {
            @Override
            public void append(AuditEntry entry) {
              if (entry.denied()) {
                throw new IllegalStateException("audit table full, could not append " + entry);
              }
              super.append(entry);
            }
          };
        }
      }));
    }
  }

  /** A store whose every transaction fails, as a database that went away would. */
  private static final class BrokenStore implements Store {
    private final Store delegate;

    BrokenStore(Store delegate) {
      this.delegate = delegate;
    }

    @Override
    public <T> T inTransaction(Function<Transaction, T> work) {
      throw new StorageException(ErrorCode.STORE_UNAVAILABLE, "connection refused (store " + delegate.getClass().getSimpleName() + ")",
          new IOException("socket closed"));
    }
  }
}

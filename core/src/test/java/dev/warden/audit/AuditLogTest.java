package dev.warden.audit;

import static dev.warden.testing.OrgFixtures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.AccessPolicy;
import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.NotFoundException;
import dev.warden.Page;
import dev.warden.PageRequest;
import dev.warden.PermissionDeniedException;
import dev.warden.Principal;
import dev.warden.Reason;
import dev.warden.WardenException;
import dev.warden.apikey.ApiKeyRequest;
import dev.warden.apikey.IssuedApiKey;
import dev.warden.invite.InviteRequest;
import dev.warden.invite.IssuedInvite;
import dev.warden.matrix.Capability;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
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
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The audit log (SPEC §10, issue 6): an entry per mutation with before/after, masked secrets, denied
 * attempts, query filters, order and pagination, who may read, the {@code AuditSink}, and atomicity of
 * change and entry.
 */
class AuditLogTest {
  private FakeClock clock;
  private InMemoryStore memory;
  private FailingStore store;
  private final List<AuditEntry> sunk = new CopyOnWriteArrayList<>();
  private Consumer<AuditEntry> sinkBehaviour = e -> {};
  private AccessPolicy policy;
  private Principal alice;
  private Principal bob;
  private Principal carol;
  private OrgId org;
  private ProjectId defaultProject;

  @BeforeEach
  void setUp() {
    clock = FakeClock.create();
    memory = InMemoryStore.create();
    store = new FailingStore(memory);
    policy = AccessPolicy.builder().clock(clock).store(store).auditSink(e -> {
      sunk.add(e);
      sinkBehaviour.accept(e);
    }).build();
    alice = Principal.user(UserId.of("alice"), "alice@acme.com");
    bob = Principal.user(UserId.of("bob"), "bob@acme.com");
    carol = Principal.user(UserId.of("carol"), "carol@acme.com");
    org = policy.organizations().create(alice, "Acme Corp").id();
    defaultProject = policy.visibleProjects(alice, org).get(0).project().id();
    join(policy, alice, org, bob, OrgLevel.MEMBER);
    join(policy, alice, org, carol, OrgLevel.ADMIN);
  }

  /** Every entry of the organization, newest first, read straight from the store. */
  private List<AuditEntry> orgLog() {
    return stored(AuditQuery.organization(org));
  }

  private List<AuditEntry> stored(AuditQuery query) {
    return memory.inTransaction(tx -> tx.audit().query(query, Optional.empty(), 100_000));
  }

  /** Everything in the store that any of the test's users or the system wrote, newest first. */
  private List<AuditEntry> everything() {
    Map<String, AuditEntry> all = new LinkedHashMap<>();
    for (OrgId o : memory.inTransaction(tx -> tx.organizations().listIds())) {
      stored(AuditQuery.organization(o)).forEach(e -> all.put(e.id(), e));
    }
    stored(AuditQuery.organization(org)).forEach(e -> all.put(e.id(), e));
    for (String user : List.of("alice", "bob", "carol", "dave", "mallory")) {
      stored(AuditQuery.actor(user)).forEach(e -> all.put(e.id(), e));
    }
    return all.values().stream().sorted(NEWEST_FIRST).toList();
  }

  private static final Comparator<AuditEntry> NEWEST_FIRST =
      Comparator.comparing(AuditEntry::at).thenComparing(AuditEntry::id).reversed();

  /** Runs {@code op} and returns the entries it wrote, oldest first. */
  private List<AuditEntry> written(Runnable op) {
    Set<String> before = new HashSet<>();
    everything().forEach(e -> before.add(e.id()));
    op.run();
    List<AuditEntry> added = new ArrayList<>(everything().stream().filter(e -> !before.contains(e.id())).toList());
    java.util.Collections.reverse(added);
    return added;
  }

  private AuditEntry single(Runnable op) {
    List<AuditEntry> entries = written(op);
    assertThat(entries).hasSize(1);
    return entries.get(0);
  }

  private static void assertEntry(AuditEntry e, String action, Principal actor, Object target, Optional<ProjectId> project,
      Optional<OrgId> org, Instant at) {
    assertThat(e.action()).isEqualTo(action);
    assertThat(e.actor()).isEqualTo(actor == null ? Actor.SYSTEM : Actor.of(actor));
    assertThat(e.target()).contains(String.valueOf(target));
    assertThat(e.project()).isEqualTo(project);
    assertThat(e.organization()).isEqualTo(org);
    assertThat(e.at()).isEqualTo(at);
  }

  private Instant tick() {
    return clock.advance(Duration.ofMinutes(1)).instant();
  }

  // ------------------------------------------------------------------------------------------ entries per mutation

  @Test
  void organizationCreate_writesOrganizationCreatedAndProjectCreated() {
    Instant at = tick();
    List<AuditEntry> entries = written(() -> policy.organizations().create(alice, "Other Corp"));

    assertThat(entries).extracting(AuditEntry::action).containsExactly("organization.created", "project.created");
    OrgId other = entries.get(0).organization().orElseThrow();
    assertEntry(entries.get(0), "organization.created", alice, other, Optional.empty(), Optional.of(other), at);
    assertThat(entries.get(0).changes()).containsExactly(Change.of("name", null, "Other Corp"));
    assertThat(entries.get(1).project()).isPresent();
    assertThat(entries.get(1).changes()).contains(Change.of("name", null, "Default Project"));
  }

  @Test
  void organizationMutations_writeTheirEntries_withBeforeAndAfter() {
    Instant at = tick();
    AuditEntry renamed = single(() -> policy.organizations().rename(alice, org, "Acme Inc"));
    assertEntry(renamed, "organization.renamed", alice, org, Optional.empty(), Optional.of(org), at);
    assertThat(renamed.changes()).containsExactly(Change.of("name", "Acme Corp", "Acme Inc"));

    at = tick();
    var before = policy.organizations().get(alice, org).settings();
    var after = before.withMemberJoinedNotifications(false);
    AuditEntry settings = single(() -> policy.organizations().updateSettings(carol, org, after));
    assertEntry(settings, "settings.changed", carol, org, Optional.empty(), Optional.of(org), at);
    assertThat(settings.changes()).containsExactly(Change.of("settings", before, after));

    at = tick();
    Instant when = at;
    AuditEntry deleted = single(() -> policy.organizations().delete(alice, org));
    assertEntry(deleted, "organization.deleted", alice, org, Optional.empty(), Optional.of(org), when);
    assertThat(deleted.changes()).containsExactly(Change.of("name", "Acme Inc", null));
    // The log outlives the organization.
    assertThat(orgLog()).hasSizeGreaterThan(5);
  }

  @Test
  void inviteMutations_writeTheirEntries() {
    Instant at = tick();
    IssuedInvite[] invite = new IssuedInvite[1];
    AuditEntry invited = single(() -> invite[0] = policy.invites().create(carol, org,
        InviteRequest.to("dave@acme.com").level(OrgLevel.ADMIN).grant(defaultProject, ProjectRole.VIEWER)));
    assertEntry(invited, "member.invited", carol, invite[0].id(), Optional.empty(), Optional.of(org), at);
    assertThat(invited.changes()).extracting(Change::field).containsExactly("email", "level", "grants", "token");
    assertThat(invited.changes().get(0)).isEqualTo(Change.of("email", null, "dave@acme.com"));
    assertThat(invited.changes().get(1)).isEqualTo(Change.of("level", null, "ADMIN"));
    assertThat(invited.changes().get(2).after()).as("grants are data, not a record's toString")
        .contains(defaultProject.value() + ":VIEWER");
    assertThat(invited.changes().get(3)).isEqualTo(Change.secret("token"));
    assertThat(invited.changes().get(3).after()).contains("masked");

    at = tick();
    Principal dave = Principal.user("dave");
    List<AuditEntry> accepted = written(() -> policy.invites().accept(invite[0].token(), dave, "dave@acme.com"));
    assertThat(accepted).extracting(AuditEntry::action).containsExactly("member.joined", "grant.changed");
    assertEntry(accepted.get(0), "member.joined", dave, "dave", Optional.empty(), Optional.of(org), at);
    assertThat(accepted.get(0).changes()).containsExactly(Change.of("level", null, "ADMIN"),
        Change.of("invite", null, invite[0].id()));
    assertEntry(accepted.get(1), "grant.changed", dave, "dave", Optional.of(defaultProject), Optional.of(org), at);
    assertThat(accepted.get(1).changes()).containsExactly(Change.of("role", null, "VIEWER"));

    IssuedInvite pending = policy.invites().create(alice, org, InviteRequest.to("erin@acme.com"));
    at = tick();
    AuditEntry revoked = single(() -> policy.invites().revoke(carol, org, pending.id()));
    assertEntry(revoked, "invite.revoked", carol, pending.id(), Optional.empty(), Optional.of(org), at);
    assertThat(revoked.changes()).containsExactly(Change.of("email", "erin@acme.com", null));
  }

  @Test
  void memberMutations_writeTheirEntries_withBeforeAndAfter() {
    Instant at = tick();
    AuditEntry level = single(() -> policy.members().changeLevel(alice, org, bob.userId(), OrgLevel.ADMIN));
    assertEntry(level, "member.level_changed", alice, "bob", Optional.empty(), Optional.of(org), at);
    assertThat(level.changes()).containsExactly(Change.of("level", "MEMBER", "ADMIN"));

    at = tick();
    Instant expiry = at.plus(Duration.ofDays(30));
    AuditEntry expiring = single(() -> policy.members().setExpiry(alice, org, bob.userId(), expiry));
    assertEntry(expiring, "member.expiry_changed", alice, "bob", Optional.empty(), Optional.of(org), at);
    assertThat(expiring.changes()).containsExactly(Change.of("expiresAt", null, expiry));

    at = tick();
    AuditEntry cleared = single(() -> policy.members().clearExpiry(alice, org, bob.userId()));
    assertEntry(cleared, "member.expiry_changed", alice, "bob", Optional.empty(), Optional.of(org), at);
    assertThat(cleared.changes()).containsExactly(Change.of("expiresAt", expiry, null));

    at = tick();
    AuditEntry note = single(() -> policy.members().setNote(alice, org, bob.userId(), "CTO"));
    assertEntry(note, "member.note_changed", alice, "bob", Optional.empty(), Optional.of(org), at);
    assertThat(note.changes()).containsExactly(Change.of("note", null, "CTO"));

    at = tick();
    List<AuditEntry> transfer = written(() -> policy.members().transferOwnership(alice, org, carol.userId()));
    assertThat(transfer).hasSize(2).allSatisfy(e -> assertThat(e.action()).isEqualTo("ownership.transferred"));
    assertEntry(transfer.get(0), "ownership.transferred", alice, "carol", Optional.empty(), Optional.of(org), at);
    assertThat(transfer.get(0).changes()).containsExactly(Change.of("level", "ADMIN", "OWNER"));
    assertEntry(transfer.get(1), "ownership.transferred", alice, "alice", Optional.empty(), Optional.of(org), at);
    assertThat(transfer.get(1).changes()).containsExactly(Change.of("level", "OWNER", "ADMIN"));

    policy.grants().grant(carol, defaultProject, bob.userId(), ProjectRole.VIEWER);
    policy.members().changeLevel(carol, org, bob.userId(), OrgLevel.MEMBER);
    at = tick();
    AuditEntry removed = single(() -> policy.members().remove(carol, org, bob.userId()));
    assertEntry(removed, "member.removed", carol, "bob", Optional.empty(), Optional.of(org), at);
    assertThat(removed.changes()).containsExactly(Change.of("level", "MEMBER", null), Change.of("grants", 1, 0));

    at = tick();
    AuditEntry left = single(() -> policy.members().leave(alice, org));
    assertEntry(left, "member.left", alice, "alice", Optional.empty(), Optional.of(org), at);
    assertThat(left.changes()).contains(Change.of("level", "ADMIN", null));
  }

  @Test
  void sweep_writesMemberExpiredAndGrantExpired_asTheSystem() {
    Project web = policy.projects().create(alice, org, "Web");
    policy.grants().grant(alice, web.id(), carol.userId(), ProjectRole.VIEWER);
    policy.grants().grant(alice, web.id(), bob.userId(), ProjectRole.VIEWER, clock.instant().plus(Duration.ofDays(1)));
    policy.members().setExpiry(alice, org, carol.userId(), clock.instant().plus(Duration.ofDays(1)));
    Instant at = clock.advance(Duration.ofDays(2)).instant();

    List<AuditEntry> swept = written(policy::sweepExpired);

    assertThat(swept).extracting(AuditEntry::action).containsExactlyInAnyOrder("member.expired", "grant.expired");
    AuditEntry expired = swept.stream().filter(e -> e.action().equals("member.expired")).findFirst().orElseThrow();
    assertEntry(expired, "member.expired", null, "carol", Optional.empty(), Optional.of(org), at);
    assertThat(expired.changes()).containsExactly(Change.of("level", "ADMIN", null), Change.of("grants", 1, 0));
    AuditEntry grant = swept.stream().filter(e -> e.action().equals("grant.expired")).findFirst().orElseThrow();
    assertEntry(grant, "grant.expired", null, "bob", Optional.of(web.id()), Optional.of(org), at);
    assertThat(grant.changes()).containsExactly(Change.of("role", "VIEWER", null));
  }

  @Test
  void projectMutations_writeTheirEntries_tokenMasked() {
    Instant at = tick();
    Project[] made = new Project[1];
    AuditEntry created = single(() -> made[0] = policy.projects().create(carol, org, "Web"));
    ProjectId web = made[0].id();
    assertEntry(created, "project.created", carol, web, Optional.of(web), Optional.of(org), at);
    assertThat(created.changes()).containsExactly(Change.of("name", null, "Web"), Change.of("visibility", null, "OPEN"));

    at = tick();
    AuditEntry renamed = single(() -> policy.projects().rename(carol, web, "Website"));
    assertEntry(renamed, "project.renamed", carol, web, Optional.of(web), Optional.of(org), at);
    assertThat(renamed.changes()).containsExactly(Change.of("name", "Web", "Website"));

    at = tick();
    AuditEntry role = single(() -> policy.projects().setDefaultRole(carol, web, ProjectRole.VIEWER));
    assertEntry(role, "project.default_role_changed", carol, web, Optional.of(web), Optional.of(org), at);
    assertThat(role.changes()).containsExactly(Change.of("defaultRole", "MEMBER", "VIEWER"));

    at = tick();
    AuditEntry visibility = single(() -> policy.projects().setVisibility(carol, web, Visibility.PRIVATE));
    assertEntry(visibility, "project.visibility_changed", carol, web, Optional.of(web), Optional.of(org), at);
    assertThat(visibility.changes()).containsExactly(Change.of("visibility", "OPEN", "PRIVATE"));

    at = tick();
    Project[] rotated = new Project[1];
    AuditEntry token = single(() -> rotated[0] = policy.projects().rotateToken(carol, web));
    assertEntry(token, "project.token_rotated", carol, web, Optional.of(web), Optional.of(org), at);
    assertThat(token.changes()).containsExactly(Change.secret("token"));
    assertThat(token.toString()).doesNotContain(made[0].token()).doesNotContain(rotated[0].token());

    at = tick();
    AuditEntry deleted = single(() -> policy.projects().delete(alice, web));
    assertEntry(deleted, "project.deleted", alice, web, Optional.of(web), Optional.of(org), at);
    assertThat(deleted.changes()).containsExactly(Change.of("name", "Website", null));
  }

  @Test
  void grantMutations_writeTheirEntries_withBeforeAndAfter() {
    Instant at = tick();
    AuditEntry granted = single(() -> policy.grants().grant(carol, defaultProject, bob.userId(), ProjectRole.VIEWER));
    assertEntry(granted, "grant.changed", carol, "bob", Optional.of(defaultProject), Optional.of(org), at);
    assertThat(granted.changes()).containsExactly(Change.of("role", null, "VIEWER"), Change.of("expiresAt", null, null));

    at = tick();
    Instant until = at.plus(Duration.ofDays(3));
    AuditEntry regranted = single(() -> policy.grants().grant(carol, defaultProject, bob.userId(), ProjectRole.MEMBER, until));
    assertThat(regranted.changes()).containsExactly(Change.of("role", "VIEWER", "MEMBER"), Change.of("expiresAt", null, until));

    at = tick();
    AuditEntry revoked = single(() -> policy.grants().revoke(carol, defaultProject, bob.userId()));
    assertEntry(revoked, "grant.revoked", carol, "bob", Optional.of(defaultProject), Optional.of(org), at);
    assertThat(revoked.changes()).containsExactly(Change.of("role", "MEMBER", null));
  }

  @Test
  void apiKeyMutations_writeTheirEntries_valueMasked() {
    Instant at = tick();
    IssuedApiKey[] issued = new IssuedApiKey[2];
    AuditEntry created = single(() -> issued[0] = policy.apiKeys().create(bob, ApiKeyRequest.labeled("CI").scopes("query:read")));
    String id = issued[0].key().id().value();
    assertEntry(created, "api_key.created", bob, id, Optional.empty(), Optional.empty(), at);
    assertThat(created.changes()).containsExactly(Change.of("label", null, "CI"), Change.of("scopes", null, "query:read"),
        Change.secret("value"));

    at = tick();
    AuditEntry rolled = single(() -> issued[1] = policy.apiKeys().roll(bob, issued[0].key().id()));
    assertEntry(rolled, "api_key.rolled", bob, id, Optional.empty(), Optional.empty(), at);
    assertThat(rolled.changes()).containsExactly(Change.secret("value"));

    at = tick();
    AuditEntry revoked = single(() -> policy.apiKeys().revoke(bob, issued[0].key().id()));
    assertEntry(revoked, "api_key.revoked", bob, id, Optional.empty(), Optional.empty(), at);
    assertThat(revoked.changes()).containsExactly(Change.of("label", "CI", null));
  }

  @Test
  void changesThroughAKey_recordTheKeyAsActor() {
    IssuedApiKey issued = policy.apiKeys().create(alice, ApiKeyRequest.labeled("admin").scopes("*"));
    Principal viaKey = policy.apiKeys().authenticate(issued.value()).orElseThrow();

    AuditEntry renamed = single(() -> policy.organizations().rename(viaKey, org, "Acme Keyed"));

    assertThat(renamed.actor().kind()).isEqualTo(Actor.Kind.API_KEY);
    assertThat(renamed.actor().user()).contains("alice");
    assertThat(renamed.actor().apiKey()).contains(issued.key().id().value());
  }

  @Test
  void noOpMutations_writeNoEntry() {
    policy.members().setNote(alice, org, bob.userId(), "x");
    assertThat(written(() -> {
      policy.members().changeLevel(alice, org, bob.userId(), OrgLevel.MEMBER);
      policy.members().clearExpiry(alice, org, bob.userId());
      policy.members().setNote(alice, org, bob.userId(), " x ");
      policy.projects().setVisibility(alice, defaultProject, Visibility.OPEN);
      policy.organizations().rename(alice, org, "Acme Corp");
    })).isEmpty();
  }

  // ------------------------------------------------------------------------------------------ secrets

  @Test
  void secrets_neverAppearInEntriesOrExports() throws IOException {
    List<String> secrets = new ArrayList<>();
    IssuedInvite invite = policy.invites().create(alice, org, InviteRequest.to("dave@acme.com"));
    secrets.add(invite.token());
    policy.invites().accept(invite.token(), Principal.user("dave"), "dave@acme.com");
    secrets.add(policy.invites().create(alice, org, InviteRequest.to("erin@acme.com")).token());
    Project web = policy.projects().create(alice, org, "Web");
    secrets.add(web.token());
    secrets.add(policy.projects().rotateToken(alice, web.id()).token());
    secrets.add(policy.projects().get(alice, defaultProject).token());
    IssuedApiKey key = policy.apiKeys().create(alice, ApiKeyRequest.labeled("k").scopes("*"));
    secrets.add(key.value());
    secrets.add(policy.apiKeys().roll(alice, key.key().id()).value());
    policy.organizations().delete(alice, policy.organizations().create(alice, "Gone").id());

    StringBuilder all = new StringBuilder();
    everything().forEach(e -> all.append(e).append('\n'));
    sunk.forEach(e -> all.append(e).append('\n'));
    for (AuditQuery q : List.of(AuditQuery.organization(org), AuditQuery.actor("alice"))) {
      StringWriter json = new StringWriter();
      policy.audit().exportJsonLines(alice, q, json);
      StringWriter csv = new StringWriter();
      policy.audit().exportCsv(alice, q, csv);
      all.append(json).append(csv);
    }

    assertThat(all.toString()).contains("masked");
    for (String secret : secrets) {
      assertThat(all.toString()).doesNotContain(secret).doesNotContain(secret.substring(4));
    }
  }

  // ------------------------------------------------------------------------------------------ denied attempts

  @Test
  void deniedAttempt_recordedAsDenied_andTheChangeIsNotApplied() {
    Instant at = tick();
    AuditEntry denied = single(() -> assertThatThrownBy(
        () -> policy.members().changeLevel(bob, org, carol.userId(), OrgLevel.MEMBER))
        .isInstanceOf(PermissionDeniedException.class));

    assertEntry(denied, "member.level_changed.denied", bob, "carol", Optional.empty(), Optional.of(org), at);
    assertThat(denied.denied()).isTrue();
    assertThat(denied.changes()).isEmpty();
    assertThat(policy.members().get(alice, org, carol.userId()).level()).isEqualTo(OrgLevel.ADMIN);
    assertThat(orgLog()).noneMatch(e -> e.action().equals("member.level_changed"));
  }

  @Test
  void deniedAttempts_ofSeveralKinds_recorded() {
    Project secret = policy.projects().create(alice, org, "Secret");
    policy.projects().setVisibility(alice, secret.id(), Visibility.PRIVATE);
    Principal mallory = Principal.user("mallory");

    List<AuditEntry> denied = written(() -> {
      refuse(() -> policy.organizations().rename(mallory, org, "Pwned"));
      refuse(() -> policy.projects().rename(bob, secret.id(), "Seen"));
      refuse(() -> policy.projects().delete(bob, defaultProject));
      refuse(() -> policy.grants().grant(bob, defaultProject, carol.userId(), ProjectRole.VIEWER));
      refuse(() -> policy.invites().revoke(bob, org, policy.invites().listPending(alice, org).isEmpty()
          ? dev.warden.invite.InviteId.of("inv_x") : policy.invites().listPending(alice, org).get(0).id()));
      refuse(() -> policy.members().remove(bob, org, carol.userId()));
      refuse(() -> policy.organizations().updateSettings(bob, org,
          dev.warden.organization.OrganizationSettings.defaults().withRequire2fa(true)));
    });

    // Attempts on targets the actor cannot see (mallory's, bob's on the hidden project) answer NOT_FOUND
    // and are not recorded: an entry in the actor's own trail would tell hidden from missing.
    assertThat(denied).extracting(AuditEntry::action).containsExactly(
        "project.deleted.denied", "grant.changed.denied",
        "invite.revoked.denied", "member.removed.denied", "settings.changed.denied");
    assertThat(denied.get(0).actor().user()).contains("bob");
    assertThat(denied).allSatisfy(e -> {
      assertThat(e.organization()).contains(org);
      assertThat(e.changes()).isEmpty();
    });
    assertThat(policy.organizations().get(alice, org).name()).isEqualTo("Acme Corp");
    assertThat(policy.projects().get(alice, secret.id()).name()).isEqualTo("Secret");
  }

  private static void refuse(Runnable r) {
    assertThatThrownBy(r::run).isInstanceOfAny(PermissionDeniedException.class, NotFoundException.class);
  }

  /** SPEC §10 "Denied mutation attempts are recorded too": API key management is a mutation. */
  @Test
  void deniedApiKeyManagement_recordedAsDenied() {
    Principal stale = bob.authenticatedAt(clock.instant().minus(Duration.ofHours(3)));

    assertThatThrownBy(() -> policy.apiKeys().create(stale, ApiKeyRequest.labeled("k").scopes("*")))
        .isInstanceOf(PermissionDeniedException.class);

    assertThat(stored(AuditQuery.actor("bob"))).extracting(AuditEntry::action).contains("api_key.created.denied");
  }

  /**
   * SPEC §2.3/§11: a hidden project must be indistinguishable from a missing one. A user may read
   * their own entries, so a denied attempt on a hidden project must not leave a trace that an attempt on
   * a missing project does not leave.
   */
  @Test
  void deniedAttempt_onHiddenProject_looksLikeOneOnAMissingProject_inOnesOwnEntries() {
    Project secret = policy.projects().create(alice, org, "Secret");
    policy.projects().setVisibility(alice, secret.id(), Visibility.PRIVATE);

    List<AuditEntry> hidden = written(() -> refuse(() -> policy.projects().rename(bob, secret.id(), "x")));
    List<AuditEntry> missing = written(() -> refuse(() -> policy.projects().rename(bob, ProjectId.of("prj_missing"), "x")));

    List<AuditEntry> visibleToBob = policy.audit().query(bob, AuditQuery.actor("bob"), PageRequest.first(100)).items();
    assertThat(visibleToBob.stream().filter(hidden::contains).count())
        .isEqualTo(visibleToBob.stream().filter(missing::contains).count());
  }

  @Test
  void ruleViolation_writesNoEntryForTheChange() {
    List<AuditEntry> entries = written(() -> assertThatThrownBy(
        () -> policy.members().changeLevel(alice, org, alice.userId(), OrgLevel.ADMIN))
        .isInstanceOf(WardenException.class));

    assertThat(entries).noneMatch(e -> e.action().equals("member.level_changed"));
  }

  // ------------------------------------------------------------------------------------------ queries

  /** Builds a log over several instants in two organizations; returns the other organization. */
  private OrgId populate() {
    Principal dave = Principal.user(UserId.of("dave"), "dave@other.io");
    OrgId other = policy.organizations().create(dave, "Other").id();
    for (int i = 0; i < 6; i++) {
      tick();
      policy.members().setNote(alice, org, bob.userId(), "note " + i);
      policy.members().setNote(carol, org, bob.userId(), "carol " + i);
      policy.organizations().rename(dave, other, "Other " + i);
      policy.projects().rename(carol, defaultProject, "Default " + i);
    }
    return other;
  }

  private List<AuditEntry> query(Principal actor, AuditQuery query) {
    List<AuditEntry> all = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    do {
      Page<AuditEntry> page = policy.audit().query(actor, query,
          cursor.map(c -> PageRequest.after(c, 5)).orElse(PageRequest.first(5)));
      all.addAll(page.items());
      cursor = page.nextCursor();
    } while (cursor.isPresent());
    return all;
  }

  @Test
  void query_filtersByOrganization() {
    OrgId other = populate();

    List<AuditEntry> acme = query(alice, AuditQuery.organization(org));

    assertThat(acme).isNotEmpty().allSatisfy(e -> assertThat(e.organization()).contains(org));
    assertThat(acme).isEqualTo(orgLog());
    assertThat(query(Principal.user("dave"), AuditQuery.organization(other)))
        .hasSize(8).allSatisfy(e -> assertThat(e.organization()).contains(other));
  }

  @Test
  void query_filtersByProject() {
    populate();
    Project web = policy.projects().create(alice, org, "Web");
    policy.projects().rename(alice, web.id(), "Website");

    List<AuditEntry> entries = query(alice, AuditQuery.project(defaultProject));

    assertThat(entries).hasSize(7).allSatisfy(e -> assertThat(e.project()).contains(defaultProject));
    assertThat(query(alice, AuditQuery.project(web.id()))).extracting(AuditEntry::action)
        .containsExactly("project.renamed", "project.created");
  }

  @Test
  void query_filtersByActor_actionAndTimeRange() {
    populate();
    List<AuditEntry> all = orgLog();

    assertThat(query(alice, AuditQuery.organization(org).byActor("carol")))
        .isEqualTo(all.stream().filter(e -> e.actor().user().equals(Optional.of("carol"))).toList())
        .hasSize(13);
    assertThat(query(alice, AuditQuery.organization(org).action("member.note_changed")))
        .isEqualTo(all.stream().filter(e -> e.action().equals("member.note_changed")).toList())
        .hasSize(12);

    Instant from = FakeClock.START.plus(Duration.ofMinutes(2));
    Instant to = FakeClock.START.plus(Duration.ofMinutes(4));
    List<AuditEntry> window = query(alice, AuditQuery.organization(org).between(from, to));
    assertThat(window).hasSize(6).allSatisfy(e -> assertThat(e.at()).isIn(from, from.plus(Duration.ofMinutes(1))));
    assertThat(window).isEqualTo(all.stream().filter(e -> !e.at().isBefore(from) && e.at().isBefore(to)).toList());

    assertThat(query(alice, AuditQuery.organization(org).byActor("alice").action("member.note_changed").between(from, to)))
        .hasSize(2).allSatisfy(e -> {
          assertThat(e.actor().user()).contains("alice");
          assertThat(e.action()).isEqualTo("member.note_changed");
        });
  }

  @Test
  void query_newestFirst_cursorPagination_noSkipsNoRepeats_evenWhileTheLogGrows() {
    populate();
    List<AuditEntry> all = orgLog();
    assertThat(all).isSortedAccordingTo(NEWEST_FIRST);
    for (int i = 1; i < all.size(); i++) {
      assertThat(NEWEST_FIRST.compare(all.get(i - 1), all.get(i))).isNegative();
    }

    List<AuditEntry> paged = new ArrayList<>();
    Page<AuditEntry> page = policy.audit().query(alice, AuditQuery.organization(org), PageRequest.first(7));
    paged.addAll(page.items());
    // New entries arrive between pages; they are newer, so they never enter later pages.
    policy.members().setNote(alice, org, bob.userId(), "during paging");
    policy.organizations().rename(alice, org, "Acme While Paging");
    while (page.nextCursor().isPresent()) {
      page = policy.audit().query(alice, AuditQuery.organization(org), PageRequest.after(page.nextCursor().get(), 7));
      assertThat(page.items()).hasSizeLessThanOrEqualTo(7);
      paged.addAll(page.items());
    }

    assertThat(paged).isEqualTo(all);
    assertThat(paged.stream().map(AuditEntry::id).distinct().count()).isEqualTo(all.size());
  }

  @Test
  void query_lastFullPage_hasNoCursor() {
    int total = orgLog().size();
    Page<AuditEntry> page = policy.audit().query(alice, AuditQuery.organization(org), PageRequest.first(total));
    assertThat(page.items()).hasSize(total);
    assertThat(page.nextCursor()).isEmpty();
  }

  // ------------------------------------------------------------------------------------------ who may read

  @Test
  void organizationQueries_needViewAuditLog() {
    assertThat(policy.audit().query(alice, AuditQuery.organization(org), PageRequest.first(10)).items()).isNotEmpty();
    assertThat(policy.audit().query(carol, AuditQuery.organization(org), PageRequest.first(10)).items()).isNotEmpty();

    assertCode(() -> policy.audit().query(bob, AuditQuery.organization(org), PageRequest.first(10)), ErrorCode.PERMISSION_DENIED);
    assertCode(() -> policy.audit().query(bob, AuditQuery.organization(org).byActor("bob"), PageRequest.first(10)),
        ErrorCode.PERMISSION_DENIED);
    assertCode(() -> policy.audit().exportCsv(bob, AuditQuery.organization(org), new StringWriter()),
        ErrorCode.PERMISSION_DENIED);
    assertCode(() -> policy.audit().exportJsonLines(bob, AuditQuery.organization(org), new StringWriter()),
        ErrorCode.PERMISSION_DENIED);
    assertCode(() -> policy.audit().query(Principal.user("mallory"), AuditQuery.organization(org), PageRequest.first(10)),
        ErrorCode.NOT_FOUND);
  }

  @Test
  void projectQueries_needViewProjectAuditLog() {
    Project web = policy.projects().create(alice, org, "Web");
    policy.projects().setVisibility(alice, web.id(), Visibility.PRIVATE);
    AuditQuery onWeb = AuditQuery.project(web.id());

    // Hidden from bob: NOT_FOUND, like a missing project.
    assertCode(() -> policy.audit().query(bob, onWeb, PageRequest.first(10)), ErrorCode.NOT_FOUND);
    assertCode(() -> policy.audit().query(bob, AuditQuery.project(ProjectId.of("prj_missing")), PageRequest.first(10)),
        ErrorCode.NOT_FOUND);
    // Project Member: can see, cannot read the log.
    policy.grants().grant(alice, web.id(), bob.userId(), ProjectRole.MEMBER);
    assertCode(() -> policy.audit().query(bob, onWeb, PageRequest.first(10)), ErrorCode.PERMISSION_DENIED);
    // Project Admin (an org Member): may read this project's log, not the organization's.
    policy.grants().grant(alice, web.id(), bob.userId(), ProjectRole.ADMIN);
    assertThat(policy.audit().query(bob, onWeb, PageRequest.first(100)).items())
        .isNotEmpty().allSatisfy(e -> assertThat(e.project()).contains(web.id()));
    assertCode(() -> policy.audit().query(bob, AuditQuery.project(defaultProject), PageRequest.first(10)),
        ErrorCode.PERMISSION_DENIED);
    assertCode(() -> policy.audit().query(bob, AuditQuery.organization(org), PageRequest.first(10)),
        ErrorCode.PERMISSION_DENIED);
    // Org Admins are implicit project Admins.
    assertThat(policy.audit().query(carol, onWeb, PageRequest.first(10)).items()).isNotEmpty();
  }

  @Test
  void ownActorQueries_onlyForOneself() {
    policy.apiKeys().create(bob, ApiKeyRequest.labeled("k").scopes("*"));

    List<AuditEntry> own = policy.audit().query(bob, AuditQuery.actor("bob"), PageRequest.first(100)).items();
    assertThat(own).isNotEmpty().allSatisfy(e -> assertThat(e.actor().user()).contains("bob"));
    assertThat(own).extracting(AuditEntry::action).contains("api_key.created", "member.joined");

    assertCode(() -> policy.audit().query(bob, AuditQuery.actor("alice"), PageRequest.first(10)), ErrorCode.PERMISSION_DENIED);
    assertCode(() -> policy.audit().exportCsv(bob, AuditQuery.actor("alice"), new StringWriter()), ErrorCode.PERMISSION_DENIED);
    // Admins read others' entries through an organization query.
    assertThat(policy.audit().query(alice, AuditQuery.organization(org).byActor("bob"), PageRequest.first(10)).items())
        .isNotEmpty();
  }

  @Test
  void query_mustNameAScope() {
    assertThatThrownBy(() -> new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("x.y"),
        Optional.empty(), Optional.empty())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AuditQuery.organization(org).between(clock.instant(), clock.instant()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> policy.audit().query(alice, AuditQuery.organization(org), PageRequest.after("garbage", 5)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private interface Call {
    void run() throws Exception;
  }

  private static void assertCode(Call call, ErrorCode code) {
    assertThatThrownBy(call::run).isInstanceOf(WardenException.class)
        .satisfies(e -> assertThat(((WardenException) e).code()).isEqualTo(code));
  }

  // ------------------------------------------------------------------------------------------ sink

  @Test
  void sink_receivesEveryEntry_afterCommit() {
    sunk.clear();
    List<String> problems = new CopyOnWriteArrayList<>();
    sinkBehaviour = e -> {
      // After commit: the entry is already stored, and the change it records is already visible.
      boolean stored = memory.inTransaction(tx -> tx.audit().query(
          e.organization().map(AuditQuery::organization).orElse(AuditQuery.actor(e.actor().user().orElseThrow())),
          Optional.empty(), 100_000)).contains(e);
      if (!stored) {
        problems.add("not stored yet: " + e);
      }
      if (e.action().equals("member.level_changed")
          && !policy.check(bob, Capability.MANAGE_MEMBERS, org).equals(Decision.allow(Reason.ORG_LEVEL))) {
        problems.add("change not visible yet: " + e);
      }
    };

    List<AuditEntry> written = written(() -> {
      policy.members().changeLevel(alice, org, bob.userId(), OrgLevel.ADMIN);
      policy.apiKeys().create(bob, ApiKeyRequest.labeled("k").scopes("*"));
      refuse(() -> policy.organizations().delete(carol, org));
      policy.organizations().create(Principal.user(UserId.of("dave"), "dave@acme.com"), "Dave's");
    });

    assertThat(problems).isEmpty();
    assertThat(sunk).containsExactlyElementsOf(written);
  }

  @Test
  void sink_throwing_neitherUndoesTheChangeNorLosesTheEntry() {
    sinkBehaviour = e -> {
      throw new IllegalStateException("SIEM is down");
    };

    List<AuditEntry> written = written(() -> {
      policy.members().changeLevel(alice, org, bob.userId(), OrgLevel.ADMIN);
      policy.apiKeys().create(bob, ApiKeyRequest.labeled("k").scopes("*"));
      refuse(() -> policy.organizations().delete(carol, org));
      policy.organizations().create(Principal.user(UserId.of("dave"), "dave@acme.com"), "Dave's");
    });

    assertThat(policy.members().get(alice, org, bob.userId()).level()).isEqualTo(OrgLevel.ADMIN);
    assertThat(policy.apiKeys().list(bob)).hasSize(1);
    assertThat(policy.organizations().list(Principal.user("dave"))).hasSize(1);
    assertThat(written).extracting(AuditEntry::action).containsExactly("member.level_changed", "api_key.created",
        "organization.deleted.denied", "organization.created", "project.created");
    assertThat(sunk).containsAll(written);
  }

  // ------------------------------------------------------------------------------------------ atomicity

  /** Where the injected failure strikes, inside the transaction of the change. */
  enum Failure {
    /** The first audit append of the transaction throws. */
    FIRST_APPEND,
    /** The last audit append of the transaction throws (after the change and its other entries). */
    LAST_APPEND,
    /** The transaction's work returns normally, having written; then the commit fails. */
    AFTER_WORK
  }

  /** Mutations whose change and entry must stand or fall together. */
  enum Mutation {
    CHANGE_LEVEL, SET_EXPIRY, TRANSFER_OWNERSHIP, REMOVE_MEMBER, LEAVE, INVITE, ACCEPT_INVITE, REVOKE_INVITE,
    CREATE_PROJECT, ROTATE_TOKEN, SET_VISIBILITY, DELETE_PROJECT, GRANT, REVOKE_GRANT, UPDATE_SETTINGS,
    CREATE_ORGANIZATION, DELETE_ORGANIZATION, CREATE_API_KEY, ROLL_API_KEY, REVOKE_API_KEY, SWEEP
  }

  static Stream<Arguments> failures() {
    return Stream.of(Failure.values()).flatMap(f -> Stream.of(Mutation.values()).map(m -> Arguments.of(f, m)));
  }

  private IssuedInvite pendingInvite;
  private IssuedApiKey bobsKey;

  private void prepareForAtomicity() {
    pendingInvite = policy.invites().create(alice, org,
        InviteRequest.to("dave@acme.com").grant(defaultProject, ProjectRole.VIEWER));
    bobsKey = policy.apiKeys().create(bob, ApiKeyRequest.labeled("k").scopes("*"));
    policy.grants().grant(alice, defaultProject, bob.userId(), ProjectRole.VIEWER);
    Project other = policy.projects().create(alice, org, "Spare");
    policy.members().setExpiry(alice, org, carol.userId(), clock.instant().plus(Duration.ofHours(1)));
    policy.members().clearExpiry(alice, org, carol.userId());
    policy.grants().grant(alice, other.id(), carol.userId(), ProjectRole.VIEWER, clock.instant().plus(Duration.ofHours(1)));
    clock.advance(Duration.ofHours(2));
  }

  private void run(Mutation m) {
    switch (m) {
      case CHANGE_LEVEL -> policy.members().changeLevel(alice, org, bob.userId(), OrgLevel.ADMIN);
      case SET_EXPIRY -> policy.members().setExpiry(alice, org, bob.userId(), clock.instant().plus(Duration.ofDays(1)));
      case TRANSFER_OWNERSHIP -> policy.members().transferOwnership(alice, org, carol.userId());
      case REMOVE_MEMBER -> policy.members().remove(alice, org, bob.userId());
      case LEAVE -> policy.members().leave(bob, org);
      case INVITE -> policy.invites().create(alice, org, InviteRequest.to("erin@acme.com").grant(defaultProject, ProjectRole.MEMBER));
      case ACCEPT_INVITE -> policy.invites().accept(pendingInvite.token(), Principal.user("dave"), "dave@acme.com");
      case REVOKE_INVITE -> policy.invites().revoke(alice, org, pendingInvite.id());
      case CREATE_PROJECT -> policy.projects().create(alice, org, "New");
      case ROTATE_TOKEN -> policy.projects().rotateToken(alice, defaultProject);
      case SET_VISIBILITY -> policy.projects().setVisibility(alice, defaultProject, Visibility.PRIVATE);
      case DELETE_PROJECT -> policy.projects().delete(alice, defaultProject);
      case GRANT -> policy.grants().grant(alice, defaultProject, carol.userId(), ProjectRole.VIEWER);
      case REVOKE_GRANT -> policy.grants().revoke(alice, defaultProject, bob.userId());
      case UPDATE_SETTINGS -> policy.organizations().updateSettings(alice, org,
          policy.organizations().get(alice, org).settings().withRequire2fa(true));
      case CREATE_ORGANIZATION -> policy.organizations().create(alice, "Second");
      case DELETE_ORGANIZATION -> policy.organizations().delete(alice, org);
      case CREATE_API_KEY -> policy.apiKeys().create(bob, ApiKeyRequest.labeled("k2").scopes("query:read"));
      case ROLL_API_KEY -> policy.apiKeys().roll(bob, bobsKey.key().id());
      case REVOKE_API_KEY -> policy.apiKeys().revoke(bob, bobsKey.key().id());
      case SWEEP -> policy.sweepExpired();
    }
  }

  /** Everything a caller can observe about the organization and the users, plus the whole log. */
  private List<Object> observable() {
    List<Object> state = new ArrayList<>();
    state.add(policy.organizations().list(alice));
    state.add(memory.inTransaction(tx -> tx.organizations().listIds()));
    boolean exists = policy.check(alice, Capability.VIEW_ORGANIZATION, org).allowed();
    state.add(exists);
    if (exists) {
      state.add(policy.organizations().get(alice, org));
      state.add(policy.members().list(alice, org));
      state.add(policy.visibleProjects(alice, org));
      state.add(policy.visibleProjects(bob, org));
      state.add(policy.invites().listPending(alice, org));
      for (var vp : policy.visibleProjects(alice, org)) {
        state.add(policy.grants().list(alice, vp.project().id()));
        state.add(policy.check(bob, Capability.VIEW_DATA, vp.project().id()));
      }
    }
    // authenticate first: it may record the key's last use, which is not an audited change.
    state.add(policy.apiKeys().authenticate(bobsKey.value()).isPresent());
    state.add(policy.apiKeys().list(bob));
    state.add(everything());
    return state;
  }

  @ParameterizedTest(name = "{0} during {1}")
  @MethodSource("failures")
  void failureBeforeCommit_leavesNeitherTheChangeNorItsEntry(Failure failure, Mutation mutation) {
    prepareForAtomicity();
    // Measure how many entries the mutation appends, on an identical twin run that commits.
    int appends = appendsOf(mutation);
    List<Object> before = observable();
    int sunkBefore = sunk.size();

    store.arm(failure, appends);
    assertThatThrownBy(() -> run(mutation)).isInstanceOf(RuntimeException.class);
    store.disarm();

    assertThat(store.injected()).as("the failure was injected").isTrue();
    assertThat(observable()).isEqualTo(before);
    assertThat(sunk).hasSize(sunkBefore);
    // Nothing is stuck: the same mutation now succeeds and writes its entries.
    List<AuditEntry> written = written(() -> run(mutation));
    assertThat(written).isNotEmpty();
  }

  /** How many audit entries {@code mutation} appends, measured on a twin world built the same way. */
  private static int appendsOf(Mutation mutation) {
    AuditLogTest twin = new AuditLogTest();
    twin.setUp();
    twin.prepareForAtomicity();
    AtomicInteger count = new AtomicInteger();
    twin.store.countAppends(count);
    twin.run(mutation);
    return count.get();
  }

  /**
   * Wraps a store: when armed, the transaction that writes audit entries fails after the change
   * (at an audit append, or after the work returned and before the commit).
   */
  static final class FailingStore implements Store {
    private final Store delegate;
    private volatile Failure failure;
    private volatile int appendsPerTransaction;
    private volatile boolean injected;
    private volatile AtomicInteger appendCounter = new AtomicInteger();

    FailingStore(Store delegate) {
      this.delegate = delegate;
    }

    void arm(Failure f, int appends) {
      failure = f;
      appendsPerTransaction = appends;
      injected = false;
    }

    void disarm() {
      failure = null;
    }

    boolean injected() {
      return injected;
    }

    void countAppends(AtomicInteger counter) {
      appendCounter = counter;
    }

    @Override
    public <T> T inTransaction(Function<Transaction, T> work) {
      return delegate.inTransaction(tx -> {
        FailingTx wrapped = new FailingTx(tx);
        T result = work.apply(wrapped);
        if (failure == Failure.AFTER_WORK && wrapped.appends > 0 && !injected) {
          injected = true;
          throw new IllegalStateException("injected: commit failed after the change");
        }
        return result;
      });
    }

    @Override
    public boolean shared() {
      return delegate.shared();
    }

    private final class FailingTx extends dev.warden.spi.ForwardingTransaction {
      private final Transaction tx;
      int appends;

      FailingTx(Transaction tx) {
        super(tx);
        this.tx = tx;
      }

      @Override
      public AuditRepository audit() {
        return new ForwardingAuditRepository(tx.audit()) {
          @Override
          public void append(AuditEntry entry) {
            appends++;
            appendCounter.incrementAndGet();
            Failure f = failure;
            boolean strike = !injected && ((f == Failure.FIRST_APPEND && appends == 1)
                || (f == Failure.LAST_APPEND && appends == appendsPerTransaction));
            if (strike) {
              injected = true;
              throw new IllegalStateException("injected: audit append failed");
            }
            super.append(entry);
          }
        };
      }
    }
  }
}

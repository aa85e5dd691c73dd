package dev.warden.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.AccessPolicy;
import dev.warden.AuthMethod;
import dev.warden.Decision;
import dev.warden.ErrorCode;
import dev.warden.NotFoundException;
import dev.warden.PageRequest;
import dev.warden.PermissionDeniedException;
import dev.warden.Principal;
import dev.warden.Reason;
import dev.warden.RuleViolationException;
import dev.warden.WardenException;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.AuditQuery;
import dev.warden.invite.InviteRequest;
import dev.warden.matrix.Capability;
import dev.warden.matrix.PermissionMatrix;
import dev.warden.memory.InMemoryStore;
import dev.warden.organization.OrgId;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.project.VisibleProject;
import dev.warden.project.Visibility;
import dev.warden.spi.ApiKeyRepository.HashedApiKey;
import dev.warden.testing.FakeClock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Personal API keys (SPEC §9, issue 6): every key rule and error, and how a key narrows its user. */
class ApiKeysTest {
  private FakeClock clock;
  private InMemoryStore store;
  private AccessPolicy policy;
  private Principal alice;
  private Principal bob;
  private OrgId org;
  private ProjectId defaultProject;

  @BeforeEach
  void setUp() {
    clock = FakeClock.create();
    store = InMemoryStore.create();
    policy = AccessPolicy.builder().clock(clock).store(store).build();
    alice = Principal.user(UserId.of("alice"), "alice@acme.com");
    bob = Principal.user(UserId.of("bob"), "bob@acme.com");
    org = policy.organizations().create(alice, "Acme Corp").id();
    defaultProject = policy.visibleProjects(alice, org).get(0).project().id();
    policy.invites().accept(policy.invites().create(alice, org, InviteRequest.to("bob@acme.com")).token(), bob,
        "bob@acme.com");
  }

  private IssuedApiKey create(Principal user, String... scopes) {
    return policy.apiKeys().create(user, ApiKeyRequest.labeled("key").scopes(scopes));
  }

  private Principal principal(IssuedApiKey issued) {
    return policy.apiKeys().authenticate(issued.value()).orElseThrow();
  }

  private static String sha256(String value) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  // ------------------------------------------------------------------------------------------ create

  @Test
  void create_returnsTheValueOnce_wdkPlus43Chars_atLeast256Bits() {
    IssuedApiKey issued = policy.apiKeys().create(bob,
        ApiKeyRequest.labeled("  CI export  ").scopes("query:read", "feature_flag:write"));

    assertThat(issued.value()).matches("wdk_[A-Za-z0-9_-]{43}");
    byte[] random = Base64.getUrlDecoder().decode(issued.value().substring(4));
    assertThat(random.length * 8).isGreaterThanOrEqualTo(256);
    ApiKey key = issued.key();
    assertThat(key.user()).isEqualTo(bob.userId());
    assertThat(key.label()).isEqualTo("CI export");
    assertThat(key.scopes()).containsExactly(ApiScope.parse("query:read"), ApiScope.parse("feature_flag:write"));
    assertThat(key.organizations()).isEmpty();
    assertThat(key.projects()).isEmpty();
    assertThat(key.createdAt()).isEqualTo(clock.instant());
    assertThat(key.lastUsedAt()).isEmpty();
    assertThat(key.lastRolledAt()).isEmpty();
    assertThat(key.masked()).isEqualTo("…" + issued.value().substring(issued.value().length() - 4));
    // Stored only as its SHA-256.
    Optional<HashedApiKey> stored = store.inTransaction(tx -> tx.apiKeys().findByValueHash(sha256(issued.value())));
    assertThat(stored).hasValueSatisfying(h -> {
      assertThat(h.key().id()).isEqualTo(key.id());
      assertThat(h.valueHash()).isEqualTo(sha256(issued.value())).doesNotContain(issued.value().substring(4));
    });
  }

  @Test
  void create_valuesAreUnique() {
    Set<String> values = new HashSet<>();
    for (int i = 0; i < ApiKeys.MAX_PER_USER; i++) {
      values.add(create(bob, "*").value());
    }
    assertThat(values).hasSize(ApiKeys.MAX_PER_USER);
  }

  @Test
  void create_eleventhKey_tooManyApiKeys_andNothingChanges() {
    for (int i = 0; i < 10; i++) {
      create(bob, "query:read");
    }
    int entries = ownEntries(bob).size();

    assertThatThrownBy(() -> create(bob, "query:read"))
        .isInstanceOf(RuleViolationException.class)
        .satisfies(e -> assertThat(((WardenException) e).code()).isEqualTo(ErrorCode.TOO_MANY_API_KEYS));

    assertThat(policy.apiKeys().list(bob)).hasSize(10);
    assertThat(ownEntries(bob)).hasSize(entries);
    // The limit is per user.
    create(alice, "query:read");
    // Revoking one makes room again.
    policy.apiKeys().revoke(bob, policy.apiKeys().list(bob).get(0).id());
    create(bob, "query:read");
    assertThat(policy.apiKeys().list(bob)).hasSize(10);
  }

  @Test
  void create_withoutScopes_illegalArgument() {
    assertThatThrownBy(() -> policy.apiKeys().create(bob, ApiKeyRequest.labeled("none")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scope");
    assertThat(policy.apiKeys().list(bob)).isEmpty();
  }

  @Test
  void create_blankLabel_illegalArgument() {
    assertThatThrownBy(() -> ApiKeyRequest.labeled("   "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label");
  }

  // ------------------------------------------------------------------------------------------ scopes

  @ParameterizedTest
  @ValueSource(strings = {"nonsense:read", "dashboards:write", "query:delete", "query", ":read", "query:", "read:query",
      "feature_flag:READ", "**"})
  void scopes_unknownOrMalformed_illegalArgumentNamingTheScope(String scope) {
    // Malformed scopes fail when parsed; well-formed ones naming an object the model lacks when the key is made.
    assertThatThrownBy(() -> policy.apiKeys().create(alice, ApiKeyRequest.labeled("k").scopes("query:read", scope)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + scope + "'");
    assertThat(policy.apiKeys().list(alice)).isEmpty();
  }

  @Test
  void scopes_parse_readWriteAndStar() {
    assertThat(ApiScope.parse("feature_flag:read")).isEqualTo(new ApiScope("feature_flag", false));
    assertThat(ApiScope.parse("feature_flag:write")).isEqualTo(new ApiScope("feature_flag", true));
    assertThat(ApiScope.parse("*")).isEqualTo(ApiScope.ALL);
    assertThat(ApiScope.parse("insight:write").toString()).isEqualTo("insight:write");
  }

  @Test
  void scopes_writeImpliesRead_readDoesNotImplyWrite() {
    ApiScope read = ApiScope.parse("feature_flag:read");
    ApiScope write = ApiScope.parse("feature_flag:write");
    assertThat(write.covers(read)).isTrue();
    assertThat(write.covers(write)).isTrue();
    assertThat(read.covers(read)).isTrue();
    assertThat(read.covers(write)).isFalse();
    assertThat(write.covers(ApiScope.parse("insight:read"))).isFalse();

    Principal writer = principal(create(alice, "feature_flag:write"));
    Principal reader = principal(create(alice, "feature_flag:read"));
    assertThat(policy.check(writer, Capability.USE_FEATURE_FLAGS, defaultProject)).isEqualTo(Decision.allow(Reason.ORG_ADMIN));
    assertThat(policy.check(writer, Capability.MANAGE_FEATURE_FLAGS, defaultProject)).isEqualTo(Decision.allow(Reason.ORG_ADMIN));
    assertThat(policy.check(reader, Capability.USE_FEATURE_FLAGS, defaultProject)).isEqualTo(Decision.allow(Reason.ORG_ADMIN));
    assertThat(policy.check(reader, Capability.MANAGE_FEATURE_FLAGS, defaultProject))
        .isEqualTo(Decision.deny(Reason.API_KEY_SCOPE));
  }

  @Test
  void scopes_tableIsTheSpecsAndStarCoversEveryCapability() {
    PermissionMatrix matrix = PermissionMatrix.posthog();
    assertThat(matrix.apiScopes()).containsOnlyKeys(matrix.capabilities());
    assertThat(matrix.apiScope(Capability.VIEW_DATA)).isEqualTo(ApiScope.parse("query:read"));
    assertThat(matrix.apiScope(Capability.MANAGE_FEATURE_FLAGS)).isEqualTo(ApiScope.parse("feature_flag:write"));
    assertThat(matrix.apiScope(Capability.INVITE_MEMBERS)).isEqualTo(ApiScope.parse("organization_member:write"));
    for (Capability c : matrix.capabilities()) {
      assertThat(ApiScope.ALL.covers(matrix.apiScope(c))).as("* covers %s", c).isTrue();
    }
  }

  @Test
  void scopes_eachCapabilityNeedsItsTableScope() {
    PermissionMatrix matrix = PermissionMatrix.posthog();
    for (Capability c : matrix.capabilities()) {
      ApiScope needed = matrix.apiScope(c);
      assertThat(needed.covers(needed)).as("%s covered by %s", c, needed).isTrue();
      assertThat(new ApiScope(needed.object(), true).covers(needed)).as("%s covered by write of %s", c, needed).isTrue();
      assertThat(new ApiScope(needed.object(), false).covers(needed))
          .as("%s covered by read of %s", c, needed).isEqualTo(!needed.write());
    }
  }

  // ------------------------------------------------------------------------------------------ list

  @Test
  void list_masked_inCreationOrder_onlyOwnKeys() {
    IssuedApiKey first = create(bob, "query:read");
    clock.advance(Duration.ofSeconds(1));
    IssuedApiKey second = create(bob, "*");
    create(alice, "*");

    List<ApiKey> keys = policy.apiKeys().list(bob);

    assertThat(keys).extracting(ApiKey::id).containsExactly(first.key().id(), second.key().id());
    assertThat(keys.get(0).masked()).isEqualTo("…" + first.value().substring(first.value().length() - 4));
    assertThat(keys.get(0).masked()).matches("…[A-Za-z0-9_-]{4}");
    assertThat(keys.get(0).toString()).contains(keys.get(0).masked())
        .doesNotContain(first.value()).doesNotContain(first.value().substring(4, 20));
  }

  // ------------------------------------------------------------------------------------------ roll

  @Test
  void roll_keepsIdLabelScopesLimits_newValueWorks_oldValueDoesNot() {
    IssuedApiKey original = policy.apiKeys().create(bob,
        ApiKeyRequest.labeled("deploy").scopes("query:read", "project:write").limitToOrganizations(org));
    Instant rolledAt = clock.advance(Duration.ofDays(3)).instant();

    IssuedApiKey rolled = policy.apiKeys().roll(bob, original.key().id());

    assertThat(rolled.value()).isNotEqualTo(original.value()).matches("wdk_[A-Za-z0-9_-]{43}");
    assertThat(rolled.key().id()).isEqualTo(original.key().id());
    assertThat(rolled.key().label()).isEqualTo("deploy");
    assertThat(rolled.key().scopes()).isEqualTo(original.key().scopes());
    assertThat(rolled.key().organizations()).containsExactly(org);
    assertThat(rolled.key().createdAt()).isEqualTo(original.key().createdAt());
    assertThat(rolled.key().lastRolledAt()).contains(rolledAt);
    assertThat(rolled.key().masked()).isEqualTo("…" + rolled.value().substring(rolled.value().length() - 4));

    assertThat(policy.apiKeys().authenticate(original.value())).isEmpty();
    assertThat(policy.apiKeys().authenticate(rolled.value()))
        .hasValueSatisfying(p -> assertThat(p.apiKey().orElseThrow().id()).isEqualTo(original.key().id()));
    assertThat(policy.apiKeys().list(bob)).singleElement().satisfies(k -> {
      assertThat(k.id()).isEqualTo(original.key().id());
      assertThat(k.lastRolledAt()).contains(rolledAt);
      assertThat(k.masked()).isEqualTo(rolled.key().masked());
    });
  }

  @Test
  void roll_someoneElsesKey_notFound_andItKeepsWorking() {
    IssuedApiKey bobs = create(bob, "*");

    assertThatThrownBy(() -> policy.apiKeys().roll(alice, bobs.key().id()))
        .isInstanceOf(NotFoundException.class)
        .satisfies(e -> assertThat(((WardenException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThat(policy.apiKeys().authenticate(bobs.value())).isPresent();
  }

  // ------------------------------------------------------------------------------------------ revoke

  @Test
  void revoke_valueStopsWorkingAtOnce_andTheKeyLeavesTheList() {
    IssuedApiKey keep = create(bob, "*");
    IssuedApiKey drop = create(bob, "*");

    policy.apiKeys().revoke(bob, drop.key().id());

    assertThat(policy.apiKeys().authenticate(drop.value())).isEmpty();
    assertThat(policy.apiKeys().authenticate(keep.value())).isPresent();
    assertThat(policy.apiKeys().list(bob)).extracting(ApiKey::id).containsExactly(keep.key().id());
    // Revoking again, or someone else's key, or an unknown id: NOT_FOUND, same message.
    String message = catchNotFound(() -> policy.apiKeys().revoke(bob, drop.key().id()));
    assertThat(catchNotFound(() -> policy.apiKeys().revoke(alice, keep.key().id()))).isEqualTo(message);
    assertThat(catchNotFound(() -> policy.apiKeys().revoke(bob, ApiKeyId.of("key_unknown")))).isEqualTo(message);
    assertThat(policy.apiKeys().authenticate(keep.value())).isPresent();
  }

  /**
   * SPEC §13: "A revocation is visible to the very next check on the same AccessPolicy"; §9: revoke.
   * A principal is "immutable and cheap to reuse", so a host may hold on to a key principal; once the
   * key is revoked, that principal must not be allowed anything.
   */
  @Test
  void revoke_keyPrincipalObtainedBefore_isRefusedAtTheNextCheck() {
    IssuedApiKey issued = create(bob, "*");
    Principal held = principal(issued);
    assertThat(policy.check(held, Capability.VIEW_DATA, defaultProject)).isEqualTo(Decision.allow(Reason.DEFAULT_ROLE));

    policy.apiKeys().revoke(bob, issued.key().id());

    assertThat(policy.check(held, Capability.VIEW_DATA, defaultProject).allowed()).isFalse();
    assertThat(policy.check(held, Capability.VIEW_ORGANIZATION, org).allowed()).isFalse();
  }

  private static String catchNotFound(Runnable r) {
    try {
      r.run();
    } catch (NotFoundException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
      return e.getMessage();
    }
    throw new AssertionError("expected NOT_FOUND");
  }

  // ------------------------------------------------------------------------------------------ limits

  @Test
  void limits_requireAccess_organizationOfWhichTheUserIsNoMember_notFound() {
    OrgId other = policy.organizations().create(Principal.user(UserId.of("zed"), "zed@other.com"), "Other").id();

    String foreign = catchNotFound(() -> policy.apiKeys().create(bob,
        ApiKeyRequest.labeled("k").scopes("*").limitToOrganizations(other)));
    String missing = catchNotFound(() -> policy.apiKeys().create(bob,
        ApiKeyRequest.labeled("k").scopes("*").limitToOrganizations(OrgId.of("org_missing"))));

    assertThat(foreign).isEqualTo(missing);
    assertThat(policy.apiKeys().list(bob)).isEmpty();
    policy.apiKeys().create(bob, ApiKeyRequest.labeled("k").scopes("*").limitToOrganizations(org));
  }

  @Test
  void limits_requireAccess_hiddenProject_notFound_likeAMissingOne() {
    Project secret = policy.projects().create(alice, org, "Secret");
    policy.projects().setVisibility(alice, secret.id(), Visibility.PRIVATE);
    ProjectId foreign = policy.visibleProjects(Principal.user("zed"),
        policy.organizations().create(Principal.user(UserId.of("zed"), "zed@other.com"), "Other").id()).get(0).project().id();

    String hidden = catchNotFound(() -> policy.apiKeys().create(bob,
        ApiKeyRequest.labeled("k").scopes("*").limitToProjects(secret.id())));
    String missing = catchNotFound(() -> policy.apiKeys().create(bob,
        ApiKeyRequest.labeled("k").scopes("*").limitToProjects(ProjectId.of("prj_missing"))));
    String other = catchNotFound(() -> policy.apiKeys().create(bob,
        ApiKeyRequest.labeled("k").scopes("*").limitToProjects(foreign)));

    assertThat(hidden).isEqualTo(missing).isEqualTo(other);
    assertThat(policy.apiKeys().list(bob)).isEmpty();
    policy.apiKeys().create(bob, ApiKeyRequest.labeled("k").scopes("*").limitToProjects(defaultProject));
    policy.apiKeys().create(alice, ApiKeyRequest.labeled("k").scopes("*").limitToProjects(secret.id()));
  }

  // ------------------------------------------------------------------------------------------ authenticate

  @Test
  void authenticate_returnsTheUsersKeyPrincipal() {
    IssuedApiKey issued = create(bob, "query:read");

    Principal p = policy.apiKeys().authenticate(issued.value()).orElseThrow();

    assertThat(p.userId()).isEqualTo(bob.userId());
    assertThat(p.method()).isEqualTo(AuthMethod.API_KEY);
    assertThat(p.apiKey()).hasValueSatisfying(k -> assertThat(k.id()).isEqualTo(issued.key().id()));
  }

  @Test
  void authenticate_unknownRevokedRolledAwayAndMalformed_allEmpty() {
    IssuedApiKey revoked = create(bob, "*");
    policy.apiKeys().revoke(bob, revoked.key().id());
    IssuedApiKey rolled = create(bob, "*");
    policy.apiKeys().roll(bob, rolled.key().id());
    IssuedApiKey live = create(bob, "*");
    String v = live.value();
    char last = v.charAt(v.length() - 1);
    String unknown = v.substring(0, v.length() - 1) + (last == 'A' ? 'B' : 'A');

    List<String> bad = new ArrayList<>(List.of(
        revoked.value(), rolled.value(), unknown,
        "", "phx_", "phx", "phx_short", v + "A", v.substring(1), " " + v, v + " ", v.toUpperCase(),
        "phc_" + v.substring(4), "inv_" + v.substring(4), v.replace('_', '-'),
        "phx_" + "\u00e9".repeat(43), "phx_" + "=".repeat(43)));
    for (String value : bad) {
      assertThat(policy.apiKeys().authenticate(value)).as("authenticate(%s)", value).isEmpty();
    }
    assertThatThrownBy(() -> policy.apiKeys().authenticate(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("value");
    assertThat(policy.apiKeys().authenticate(v)).isPresent();
  }

  @Test
  void authenticate_updatesLastUsedAt() {
    IssuedApiKey issued = create(bob, "*");
    assertThat(policy.apiKeys().list(bob).get(0).lastUsedAt()).isEmpty();
    Instant first = clock.advance(Duration.ofMinutes(10)).instant();

    policy.apiKeys().authenticate(issued.value());

    assertThat(policy.apiKeys().list(bob).get(0).lastUsedAt()).contains(first);
    Instant later = clock.advance(Duration.ofHours(5)).instant();
    policy.apiKeys().authenticate(issued.value());
    assertThat(policy.apiKeys().list(bob).get(0).lastUsedAt()).contains(later);
    // A rolled key keeps its usage history and the roll does not count as use.
    clock.advance(Duration.ofHours(1));
    policy.apiKeys().roll(bob, issued.key().id());
    assertThat(policy.apiKeys().list(bob).get(0).lastUsedAt()).contains(later);
  }

  // ------------------------------------------------------------------------------------------ narrowing

  @Test
  void keyPrincipal_neverMoreThanItsUser_whateverTheScopes() {
    // bob: org Member, Viewer on a project by explicit grant.
    Project analytics = policy.projects().create(alice, org, "Analytics");
    policy.grants().grant(alice, analytics.id(), bob.userId(), ProjectRole.VIEWER);
    Principal bobAll = principal(create(bob, "*"));

    for (Capability c : PermissionMatrix.posthog().capabilities()) {
      Decision user = c.scope() == Capability.Scope.ORGANIZATION ? policy.check(bob, c, org) : policy.check(bob, c, analytics.id());
      Decision key = c.scope() == Capability.Scope.ORGANIZATION ? policy.check(bobAll, c, org)
          : policy.check(bobAll, c, analytics.id());
      assertThat(key).as("%s", c).isEqualTo(user);
    }
    assertThat(policy.check(bobAll, Capability.CREATE_CONTENT, analytics.id())).isEqualTo(Decision.deny(Reason.ROLE_TOO_LOW));
  }

  @Test
  void keyPrincipal_scopeNarrowsTheUser() {
    Principal aliceQuery = principal(create(alice, "query:read"));

    assertThat(policy.check(aliceQuery, Capability.VIEW_DATA, defaultProject)).isEqualTo(Decision.allow(Reason.ORG_ADMIN));
    assertThat(policy.check(aliceQuery, Capability.MANAGE_PROJECT_SETTINGS, defaultProject))
        .isEqualTo(Decision.deny(Reason.API_KEY_SCOPE));
    assertThat(policy.check(aliceQuery, Capability.DELETE_ORGANIZATION, org)).isEqualTo(Decision.deny(Reason.API_KEY_SCOPE));
    assertThat(policy.check(aliceQuery, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.deny(Reason.API_KEY_SCOPE));
    var explained = policy.explain(aliceQuery, Capability.MANAGE_PROJECT_SETTINGS, defaultProject);
    assertThat(explained.decision()).isEqualTo(Decision.deny(Reason.API_KEY_SCOPE));
    assertThat(explained.steps()).anyMatch(s -> s.contains("scope"));
  }

  @Test
  void keyPrincipal_projectLimit_otherProjectsNotFound_inCheckAndVisibleProjects() {
    Project web = policy.projects().create(alice, org, "Web");
    Principal limited = principal(policy.apiKeys().create(bob,
        ApiKeyRequest.labeled("web only").scopes("*").limitToProjects(web.id())));

    assertThat(policy.check(limited, Capability.VIEW_DATA, web.id())).isEqualTo(Decision.allow(Reason.DEFAULT_ROLE));
    assertThat(policy.check(limited, Capability.VIEW_DATA, defaultProject)).isEqualTo(Decision.notFound());
    assertThat(policy.explain(limited, Capability.VIEW_DATA, defaultProject).decision()).isEqualTo(Decision.notFound());
    // Organization capabilities stay the user's (the key is limited to projects, not organizations).
    assertThat(policy.check(limited, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.allow(Reason.ORG_LEVEL));

    assertThat(policy.visibleProjects(limited, org)).extracting(vp -> vp.project().id()).containsExactly(web.id());
    assertThat(policy.visibleProjects(bob, org)).extracting(vp -> vp.project().id())
        .containsExactly(defaultProject, web.id());
    assertThat(policy.visibleProjects(limited, org, PageRequest.first(10)).items())
        .extracting(vp -> vp.project().id()).containsExactly(web.id());
  }

  @Test
  void keyPrincipal_organizationLimit_otherOrganizationsNotFound_inCheckAndVisibleProjects() {
    OrgId other = policy.organizations().create(bob, "Bob's Side Project").id();
    ProjectId otherProject = policy.visibleProjects(bob, other).get(0).project().id();
    Principal limited = principal(policy.apiKeys().create(bob,
        ApiKeyRequest.labeled("acme only").scopes("*").limitToOrganizations(org)));
    Principal unlimited = principal(create(bob, "*"));

    assertThat(policy.check(limited, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.allow(Reason.ORG_LEVEL));
    assertThat(policy.check(limited, Capability.VIEW_DATA, defaultProject)).isEqualTo(Decision.allow(Reason.DEFAULT_ROLE));
    assertThat(policy.check(limited, Capability.VIEW_ORGANIZATION, other)).isEqualTo(Decision.notFound());
    assertThat(policy.check(limited, Capability.VIEW_DATA, otherProject)).isEqualTo(Decision.notFound());
    assertThat(policy.check(unlimited, Capability.DELETE_ORGANIZATION, other)).isEqualTo(Decision.allow(Reason.ORG_LEVEL));

    assertThat(policy.visibleProjects(limited, org)).extracting(VisibleProject::project).extracting(Project::id)
        .containsExactly(defaultProject);
    assertThatThrownBy(() -> policy.visibleProjects(limited, other))
        .isInstanceOf(NotFoundException.class)
        .satisfies(e -> assertThat(((WardenException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThat(policy.visibleProjects(unlimited, other)).hasSize(1);
  }

  @Test
  void keyPrincipal_followsItsUsersCurrentAccess() {
    Principal bobKey = principal(create(bob, "*"));
    assertThat(policy.check(bobKey, Capability.VIEW_DATA, defaultProject)).isEqualTo(Decision.allow(Reason.DEFAULT_ROLE));

    policy.members().remove(alice, org, bob.userId());

    assertThat(policy.check(bobKey, Capability.VIEW_DATA, defaultProject)).isEqualTo(Decision.notFound());
    assertThat(policy.check(bobKey, Capability.VIEW_ORGANIZATION, org)).isEqualTo(Decision.notFound());
  }

  @Test
  void keyPrincipal_mutationsAreNarrowedToo() {
    Principal aliceRead = principal(create(alice, "query:read"));
    Principal aliceProjects = principal(create(alice, "project:write"));

    assertThatThrownBy(() -> policy.projects().create(aliceRead, org, "Nope"))
        .isInstanceOf(PermissionDeniedException.class);
    Project made = policy.projects().create(aliceProjects, org, "Yes");
    assertThat(made.name()).isEqualTo("Yes");
    AuditEntry entry = policy.audit().query(alice, AuditQuery.organization(org).action("project.created"),
        PageRequest.first(1)).items().get(0);
    assertThat(entry.actor().apiKey()).contains(aliceProjects.apiKey().orElseThrow().id().value());
  }

  // ------------------------------------------------------------------------------------------ key management

  @Test
  void keyPrincipals_cannotManageKeys() {
    IssuedApiKey issued = create(bob, "*");
    Principal viaKey = principal(issued);

    assertPermissionDenied(() -> policy.apiKeys().create(viaKey, ApiKeyRequest.labeled("k").scopes("*")));
    assertPermissionDenied(() -> policy.apiKeys().roll(viaKey, issued.key().id()));
    assertPermissionDenied(() -> policy.apiKeys().revoke(viaKey, issued.key().id()));

    assertThat(policy.apiKeys().list(bob)).singleElement().satisfies(k -> assertThat(k.lastRolledAt()).isEmpty());
    assertThat(policy.apiKeys().authenticate(issued.value())).isPresent();
  }

  private static void assertPermissionDenied(Runnable r) {
    assertThatThrownBy(r::run).isInstanceOf(PermissionDeniedException.class)
        .satisfies(e -> assertThat(((WardenException) e).code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
  }

  @Test
  void keyManagement_requiresRecentAuthentication() {
    IssuedApiKey issued = create(bob, "*");
    Principal stale = bob.authenticatedAt(clock.instant().minus(Duration.ofHours(2)));
    Principal fresh = bob.authenticatedAt(clock.instant().minus(Duration.ofHours(2)).plusSeconds(1));

    for (Runnable r : List.<Runnable>of(
        () -> policy.apiKeys().create(stale, ApiKeyRequest.labeled("k").scopes("*")),
        () -> policy.apiKeys().roll(stale, issued.key().id()),
        () -> policy.apiKeys().revoke(stale, issued.key().id()))) {
      assertThatThrownBy(r::run).isInstanceOf(PermissionDeniedException.class)
          .satisfies(e -> assertThat(((WardenException) e).code()).isEqualTo(ErrorCode.REAUTHENTICATION_REQUIRED));
    }
    assertThat(policy.apiKeys().authenticate(issued.value())).isPresent();

    IssuedApiKey rolled = policy.apiKeys().roll(fresh, issued.key().id());
    policy.apiKeys().revoke(fresh, rolled.key().id());
    assertThat(policy.apiKeys().list(bob)).isEmpty();
  }

  @Test
  void keyManagement_isAudited_withTheValueMasked() {
    IssuedApiKey issued = create(bob, "query:read");
    IssuedApiKey rolled = policy.apiKeys().roll(bob, issued.key().id());
    policy.apiKeys().revoke(bob, issued.key().id());

    List<AuditEntry> entries = ownEntries(bob).stream().filter(e -> e.action().startsWith("api_key.")).toList();

    assertThat(entries).extracting(AuditEntry::action).containsExactly("api_key.revoked", "api_key.rolled", "api_key.created");
    assertThat(entries).allSatisfy(e -> {
      assertThat(e.target()).contains(issued.key().id().value());
      assertThat(e.actor().user()).contains("bob");
      assertThat(e.toString()).doesNotContain(issued.value()).doesNotContain(rolled.value());
    });
    assertThat(entries.get(2).changes()).anySatisfy(c -> {
      assertThat(c.field()).isEqualTo("value");
      assertThat(c.after()).contains("masked");
    });
  }

  private List<AuditEntry> ownEntries(Principal user) {
    return policy.audit().query(user, AuditQuery.actor(user.userId().value()), PageRequest.first(1000)).items();
  }
}

package dev.warden.internal;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.ErrorCode;
import dev.warden.Limits;
import dev.warden.NotFoundException;
import dev.warden.PermissionDeniedException;
import dev.warden.Principal;
import dev.warden.Reason;
import dev.warden.apikey.ApiKey;
import dev.warden.apikey.ApiKeyId;
import dev.warden.apikey.ApiKeyRequest;
import dev.warden.apikey.ApiScope;
import dev.warden.apikey.ApiKeys;
import dev.warden.apikey.IssuedApiKey;
import dev.warden.audit.Actor;
import dev.warden.audit.AuditEntry;
import dev.warden.audit.Change;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrganizationSettings;
import dev.warden.project.ProjectId;
import dev.warden.spi.Transaction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Implements {@link ApiKeys}. Values are the model's API key prefix ({@code wdk_} by default) + 256
 * random bits; only their SHA-256 is stored, and the stored hash is compared in constant time. A value
 * is found by its hash, so keys minted under another prefix keep working. Not API.
 */
public final class ApiKeyService implements ApiKeys {
  private static final int VALUE_BYTES = 32;
  /** Base64url characters of {@link #VALUE_BYTES} random bytes, unpadded. */
  private static final int RANDOM_CHARS = 43;
  /** A prefix of any token format ({@link Limits#SECRET_PREFIX_REGEX}) and the random part. */
  private static final Pattern VALUE =
      Pattern.compile(Limits.SECRET_PREFIX_REGEX + "[A-Za-z0-9_-]{" + RANDOM_CHARS + "}");
  /** Last-used instants are refreshed at most this often, so authentication rarely writes. */
  private static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);

  private final Engine engine;

  public ApiKeyService(Engine engine) {
    this.engine = engine;
  }

  /** Runs a key operation, recording a refusal on a key the user may see as {@code <action>.denied}. */
  private <T> T recorded(Principal user, String action, Object target, Supplier<T> operation) {
    try {
      return engine.observed(action, operation);
    } catch (PermissionDeniedException e) {
      engine.recordDenied(null, user, action, target);
      throw e;
    }
  }

  @Override
  public IssuedApiKey create(Principal user, ApiKeyRequest request) {
    checkNotNull(user, "user");
    checkNotNull(request, "request");
    checkArgument(!request.scopes().isEmpty(), "an api key needs at least one scope");
    requireKnownScopes(request.scopes());
    return recorded(user, "api_key.created", request.label(), () -> createChecked(user, request));
  }

  private IssuedApiKey createChecked(Principal user, ApiKeyRequest request) {
    Instant now = requireUser(user, "create");
    for (OrgId org : request.organizations()) {
      requireGatesPassed(user, engine.cache().get(org));
    }
    if (request.organizations().isEmpty()) {
      // An unlimited key reaches every organization of its user: the user must pass each one's gates,
      // or minting a key would get around them.
      for (var m : engine.store().inTransaction(tx -> tx.memberships().listByUser(user.userId()))) {
        if (m.activeAt(now)) {
          requireGatesPassed(user, engine.cache().get(m.organization()));
        }
      }
    }
    for (ProjectId project : request.projects()) {
      OrgState state = engine.cache().forProject(project);
      var member = engine.decider().activeMember(state, user.userId(), Trace.NONE);
      Hidden.requireRole(engine.decider(), state, member, state == null ? null : state.projects().get(project));
    }
    String value = newValue();
    ApiKey key = new ApiKey(ApiKeyId.of(Ids.next("key")), user.userId(), request.label(), request.scopes(),
        request.organizations(), request.projects(), lastFour(value), now, Optional.empty(), Optional.empty());
    engine.forward(engine.store().inTransaction(tx -> {
      Writes writes = Writes.outsideOrganizations(tx);
      if (!writes.apply(new Write.InsertApiKey(key, Secrets.sha256(value), MAX_PER_USER))) {
        throw Errors.rule(ErrorCode.TOO_MANY_API_KEYS,
            "a user may hold at most " + MAX_PER_USER + " api keys; revoke one first");
      }
      return audit(writes, user, "api_key.created", key, now, Change.of("label", null, key.label()),
          Change.of("scopes", null, key.scopes()), Change.secret("value"));
    }));
    return new IssuedApiKey(key, value);
  }

  /** A new key value in the model's token format (the one place values are made). */
  private String newValue() {
    return Secrets.token(engine.decider().matrix().tokenFormat().apiKeyPrefix(), VALUE_BYTES);
  }

  /** Every scope must name an object of the permission model (or be {@code *}). */
  private void requireKnownScopes(Iterable<ApiScope> scopes) {
    Set<String> objects = engine.decider().matrix().scopeObjects();
    for (ApiScope scope : scopes) {
      checkArgument(scope.equals(ApiScope.ALL) || objects.contains(scope.object()),
          "unknown api key scope '%s': object must be one of %s", scope, objects);
    }
  }

  @Override
  public List<ApiKey> list(Principal user) {
    checkNotNull(user, "user");
    return engine.store().inTransaction(tx -> tx.apiKeys().listByUser(user.userId()));
  }

  /** The user must be an active member of the organization and pass its MFA and SSO gates. */
  private void requireGatesPassed(Principal user, OrgState state) {
    dev.warden.Decision d = engine.decider().org(user, dev.warden.matrix.Capability.VIEW_ORGANIZATION, state, Trace.NONE);
    if (!d.allowed()) {
      throw Errors.refused(d, "organization");
    }
  }

  @Override
  public IssuedApiKey roll(Principal user, ApiKeyId id) {
    checkNotNull(user, "user");
    checkNotNull(id, "key");
    return recorded(user, "api_key.rolled", id, () -> rollChecked(user, id));
  }

  private IssuedApiKey rollChecked(Principal user, ApiKeyId id) {
    Instant now = requireUser(user, "roll");
    String value = newValue();
    ApiKey key = engine.store().inTransaction(tx -> owned(tx, user, id));
    ApiKey rolled = key.rolled(lastFour(value), now);
    engine.forward(engine.store().inTransaction(tx -> {
      owned(tx, user, id);
      Writes writes = Writes.outsideOrganizations(tx);
      writes.apply(new Write.UpdateApiKey(rolled, Optional.of(Secrets.sha256(value))));
      return audit(writes, user, "api_key.rolled", key, now, Change.secret("value"));
    }));
    engine.decider().revocations().rolled(id, now);
    return new IssuedApiKey(rolled, value);
  }

  @Override
  public void revoke(Principal user, ApiKeyId id) {
    checkNotNull(user, "user");
    checkNotNull(id, "key");
    recorded(user, "api_key.revoked", id, () -> {
      Instant now = requireUser(user, "revoke");
      engine.forward(engine.store().inTransaction(tx -> {
        ApiKey key = owned(tx, user, id);
        Writes writes = Writes.outsideOrganizations(tx);
        writes.apply(new Write.DeleteApiKey(id));
        return audit(writes, user, "api_key.revoked", key, now, Change.of("label", key.label(), null));
      }));
      engine.decider().revocations().revoked(id);
      return null;
    });
  }

  @Override
  public Optional<Principal> authenticate(String value) {
    checkNotNull(value, "value");
    if (value.length() > Limits.MAX_SECRET_PREFIX_LENGTH + RANDOM_CHARS || !VALUE.matcher(value).matches()) {
      return Optional.empty();
    }
    String hash = Secrets.sha256(value);
    Optional<ApiKey> found = engine.store().inTransaction(tx -> tx.apiKeys().findByValueHash(hash))
        .filter(h -> MessageDigest.isEqual(h.valueHash().getBytes(StandardCharsets.US_ASCII),
            hash.getBytes(StandardCharsets.US_ASCII)))
        .map(h -> h.key());
    if (found.isEmpty()) {
      return Optional.empty();
    }
    ApiKey key = found.get();
    Instant now = engine.now();
    if (key.lastUsedAt().isEmpty() || !now.isBefore(key.lastUsedAt().get().plus(LAST_USED_GRANULARITY))) {
      key = key.usedAt(now);
      ApiKeyId id = key.id();
      // Only the instant: writing the whole key read above could undo a concurrent narrowing.
      engine.store().inTransaction(tx -> Writes.outsideOrganizations(tx).apply(new Write.MarkApiKeyUsed(id, now)));
    }
    return Optional.of(Principal.apiKey(key, Optional.empty()));
  }

  /** Key management needs a user principal that authenticated recently; returns now. */
  private Instant requireUser(Principal user, String what) {
    checkNotNull(user, "user");
    if (user.apiKey().isPresent()) {
      throw new PermissionDeniedException(ErrorCode.PERMISSION_DENIED,
          "api keys cannot " + what + " api keys; sign in as the user");
    }
    Instant now = engine.now();
    Mutation.requireRecentAuthentication(user, OrganizationSettings.DEFAULT_RECENT_AUTHENTICATION, now);
    return now;
  }

  private static ApiKey owned(Transaction tx, Principal user, ApiKeyId id) {
    return tx.apiKeys().find(id).filter(k -> k.user().equals(user.userId()))
        .orElseThrow(() -> new NotFoundException(ErrorCode.NOT_FOUND, "api key not found"));
  }

  /**
   * Appends the entries in {@code tx} and returns them, to be forwarded after commit: one per
   * organization the key is limited to (so those organizations' admins see it), else one without.
   */
  private static List<AuditEntry> audit(Writes writes, Principal user, String action, ApiKey key, Instant now,
      Change... changes) {
    List<Optional<OrgId>> orgs = key.organizations().isEmpty() ? List.of(Optional.empty())
        : key.organizations().stream().map(Optional::of).toList();
    List<AuditEntry> entries = new java.util.ArrayList<>();
    for (Optional<OrgId> org : orgs) {
      AuditEntry entry = new AuditEntry(Ids.next("aud"), org, Optional.empty(), Actor.of(user), action,
          Optional.of(key.id().value()), List.of(changes), now);
      writes.apply(new Write.AppendAudit(entry));
      entries.add(entry);
    }
    return entries;
  }

  private static String lastFour(String value) {
    return value.substring(value.length() - 4);
  }
}

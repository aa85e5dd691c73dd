package dev.warden.internal;

import dev.warden.matrix.PermissionMatrix;
import dev.warden.observe.WardenListener;
import dev.warden.spi.AuditSink;
import dev.warden.spi.Notifier;
import dev.warden.spi.Store;
import java.time.Clock;
import java.time.Duration;

/**
 * The one place the engine is put together: the decider, the engine over the store, and every service
 * the facades delegate to, sharing them. {@code AccessPolicy} and tests that drive the services
 * directly both wire through {@link #of}. Not API.
 */
public record Wiring(
    Decider decider,
    Engine engine,
    OrganizationService organizations,
    MemberService members,
    InviteService invites,
    ProjectService projects,
    GrantService grants,
    ApiKeyService apiKeys,
    AuditService audit,
    ResourceService resources,
    ReportService reports,
    RoleService roles,
    DirectoryService directory,
    Listings listings,
    ExpirySweep sweep) {

  /** How long an invite stays valid unless the builder says otherwise. */
  public static final Duration DEFAULT_INVITE_VALIDITY = Duration.ofDays(3);
  /** How stale a shared store's snapshots may get unless the builder says otherwise. */
  public static final Duration DEFAULT_STALENESS_BOUND = Duration.ofSeconds(1);

  /** Wires the engine and its services over {@code store}. */
  public static Wiring of(Store store, PermissionMatrix matrix, Clock clock, Notifier notifier, AuditSink sink,
      Duration inviteValidity, Duration stalenessBound, WardenListener listener) {
    Decider decider = new Decider(matrix, clock);
    Engine engine = new Engine(store, decider, notifier, sink, clock, inviteValidity, stalenessBound, listener);
    Reads reads = new Reads(engine);
    Listings listings = new Listings(engine);
    return new Wiring(decider, engine,
        new OrganizationService(engine, reads),
        new MemberService(engine, reads, listings),
        new InviteService(engine, reads),
        new ProjectService(engine, reads),
        new GrantService(engine, reads, listings),
        new ApiKeyService(engine),
        new AuditService(engine, reads),
        new ResourceService(engine, listings),
        new ReportService(engine, reads),
        new RoleService(engine, reads),
        new DirectoryService(engine),
        listings,
        new ExpirySweep(engine));
  }

  /** Wires with the defaults of {@code AccessPolicy.builder()} but for the store, matrix and clock. */
  public static Wiring of(Store store, PermissionMatrix matrix, Clock clock) {
    return of(store, matrix, clock, Notifier.NONE, AuditSink.NONE, DEFAULT_INVITE_VALIDITY, DEFAULT_STALENESS_BOUND,
        WardenListener.NONE);
  }
}

/**
 * The storage and notification SPI: what a host implements to keep Warden's state elsewhere.
 *
 * <p><b>Contract.</b> Every repository is used only inside {@link dev.warden.spi.Store#inTransaction};
 * a transaction either commits everything it wrote or nothing. Implementations are thread-safe.
 * {@link dev.warden.spi.OrganizationRepository#lock} serializes the transactions that lock the same
 * organization (a row lock on a database, a mutex in memory); the engine locks before it reads state it
 * will decide on and before any write. The conditional operations
 * ({@link dev.warden.spi.InviteRepository#consume}, {@link dev.warden.spi.MembershipRepository#update},
 * {@link dev.warden.spi.MembershipRepository#delete}) must be atomic by themselves, so the invariants
 * (an invite is used once, an organization keeps an Owner) hold even for a caller that does not lock.
 *
 * <p>Every store must pass the contract suite in core's test-jar ({@code dev.warden.spi.StoreContract}).
 *
 * <p><b>Stability.</b> Young: methods may be added before 1.0.
 */
package dev.warden.spi;

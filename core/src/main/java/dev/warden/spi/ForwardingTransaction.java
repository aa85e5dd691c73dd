package dev.warden.spi;


/**
 * A transaction that forwards every repository to another transaction. Extend it to decorate a store:
 * override the repositories to observe, replace or break (a host table for one repository, a
 * recording wrapper, a failing append in a test) and inherit the rest, including repositories added
 * to the SPI later.
 */
public class ForwardingTransaction implements Transaction {
  private final Transaction delegate;

  public ForwardingTransaction(Transaction delegate) {
    this.delegate = delegate;
  }

  @Override
  public OrganizationRepository organizations() {
    return delegate.organizations();
  }

  @Override
  public MembershipRepository memberships() {
    return delegate.memberships();
  }

  @Override
  public ProjectRepository projects() {
    return delegate.projects();
  }

  @Override
  public GrantRepository grants() {
    return delegate.grants();
  }

  @Override
  public InviteRepository invites() {
    return delegate.invites();
  }

  @Override
  public ApiKeyRepository apiKeys() {
    return delegate.apiKeys();
  }

  @Override
  public AuditRepository audit() {
    return delegate.audit();
  }

  @Override
  public ResourceRepository resources() {
    return delegate.resources();
  }

  @Override
  public RoleRepository roles() {
    return delegate.roles();
  }
}

package dev.warden.testing;

import dev.warden.spi.ApiKeyRepository;
import dev.warden.spi.AuditRepository;
import dev.warden.spi.GrantRepository;
import dev.warden.spi.InviteRepository;
import dev.warden.spi.MembershipRepository;
import dev.warden.spi.OrganizationRepository;
import dev.warden.spi.ProjectRepository;
import dev.warden.spi.ResourceRepository;
import dev.warden.spi.Transaction;

/**
 * A transaction that forwards every repository to another one; tests override the repositories they
 * want to observe or break (a failing audit append, a counting query).
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
}

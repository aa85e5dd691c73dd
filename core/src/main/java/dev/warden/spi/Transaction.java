package dev.warden.spi;

/**
 * The repositories of one transaction of a {@link Store}. Valid only inside the
 * {@link Store#inTransaction} callback that received it, and only on that thread.
 */
public interface Transaction {
  OrganizationRepository organizations();

  MembershipRepository memberships();

  ProjectRepository projects();

  GrantRepository grants();

  InviteRepository invites();

  ApiKeyRepository apiKeys();

  ResourceRepository resources();

  RoleRepository roles();

  AuditRepository audit();
}

package dev.warden.organization;

import dev.warden.project.Project;
import dev.warden.project.ProjectGrant;
import java.util.List;

/**
 * The host's own read access to an organization, for a back office, a support tool or a provisioning
 * job that must read members, levels, projects and grants without acting as one of the organization's
 * users. Obtain it from {@code AccessPolicy.directory()}.
 *
 * <p>It takes no principal and checks nothing: it sees every project, private ones included, and every
 * membership and grant, expired ones included (until swept). So it must never answer an end user's
 * request; user principals keep going through {@code check} and the other facades, where hidden
 * projects stay hidden. Each call names its {@code reason} and is recorded in the organization's audit
 * log as {@code directory.read} by the system actor (target: what was read), before anything is
 * returned; if the entry cannot be written, nothing is returned. Reads confirm the organization's
 * revision with the store, so they see every committed change. Thread-safe.
 */
public interface Directory {

  /**
   * The organization.
   *
   * @throws IllegalArgumentException if {@code reason} is blank or longer than 200 characters
   * @throws dev.warden.NotFoundException if the organization does not exist
   */
  Organization organization(OrgId organization, String reason);

  /**
   * Every membership, expired ones included, in user-id order.
   *
   * @throws IllegalArgumentException if {@code reason} is blank or longer than 200 characters
   * @throws dev.warden.NotFoundException if the organization does not exist
   */
  List<Membership> members(OrgId organization, String reason);

  /**
   * Every project, private ones included, in creation order.
   *
   * @throws IllegalArgumentException if {@code reason} is blank or longer than 200 characters
   * @throws dev.warden.NotFoundException if the organization does not exist
   */
  List<Project> projects(OrgId organization, String reason);

  /**
   * Every project grant, expired ones included, by project in creation order, then by user id.
   *
   * @throws IllegalArgumentException if {@code reason} is blank or longer than 200 characters
   * @throws dev.warden.NotFoundException if the organization does not exist
   */
  List<ProjectGrant> grants(OrgId organization, String reason);
}

package dev.warden.organization;

/**
 * An organization's own switches. Immutable.
 *
 * @param memberJoinedNotifications whether existing members are told when someone joins (default on)
 */
public record OrganizationSettings(boolean memberJoinedNotifications) {

  /** The settings of a new organization. */
  public static OrganizationSettings defaults() {
    return new OrganizationSettings(true);
  }

  public OrganizationSettings withMemberJoinedNotifications(boolean on) {
    return new OrganizationSettings(on);
  }
}

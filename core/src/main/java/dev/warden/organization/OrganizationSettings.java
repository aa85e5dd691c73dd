package dev.warden.organization;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableSet;
import dev.warden.role.ResolutionRule;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * An organization's own switches. Each gate narrows or widens exactly one thing, documented per
 * component. Immutable; change it with the {@code with…} methods and
 * {@code organizations().updateSettings(…)} ({@code MANAGE_ORG_SETTINGS}).
 *
 * @param memberJoinedNotifications whether existing members are told when someone joins (default on)
 * @param require2fa whether every user principal must have used MFA; otherwise checks answer
 *     {@code DENY MFA_REQUIRED} (default off; API keys are not affected)
 * @param ssoEnforcedDomains email domains whose users must sign in with SSO; otherwise checks answer
 *     {@code DENY SSO_REQUIRED} and invites to such emails cannot be accepted without SSO (default none)
 * @param membersCanInvite overrides the matrix cell Member × {@code INVITE_MEMBERS}; empty keeps the matrix's
 * @param membersCanCreateProjects overrides the matrix cell Member × {@code CREATE_PROJECT}; empty keeps
 *     the matrix's
 * @param membersCanUsePersonalApiKeys whether API keys of members at level Member act here (Admins' and
 *     Owners' keys always do); off answers {@code DENY API_KEYS_DISABLED} (default on)
 * @param recentAuthentication how recently a principal must have authenticated for sensitive changes
 *     (membership, ownership, API keys, deleting a project or the organization); default 2 hours
 * @param resolution how a member's own project grant combines with their roles' grants (issue 16);
 *     default {@link ResolutionRule#HIGHEST_WINS}; switched with {@code roles().switchResolution(…)},
 *     which previews and audits the change
 */
public record OrganizationSettings(
    boolean memberJoinedNotifications,
    boolean require2fa,
    Set<String> ssoEnforcedDomains,
    Optional<Boolean> membersCanInvite,
    Optional<Boolean> membersCanCreateProjects,
    boolean membersCanUsePersonalApiKeys,
    Duration recentAuthentication,
    ResolutionRule resolution) {

  /** The default recent-authentication window. */
  public static final Duration DEFAULT_RECENT_AUTHENTICATION = Duration.ofHours(2);

  /**
   * How far in the future a principal's authentication time may lie and still count as recent (one
   * minute): hosts' clocks differ a little, but an authentication after now plus this skew is not a
   * recent one, however long the window (issue 12).
   */
  public static final Duration AUTHENTICATION_CLOCK_SKEW = Duration.ofMinutes(1);

  public OrganizationSettings {
    ssoEnforcedDomains = normalizeDomains(ssoEnforcedDomains);
    checkNotNull(membersCanInvite, "membersCanInvite");
    checkNotNull(membersCanCreateProjects, "membersCanCreateProjects");
    checkNotNull(recentAuthentication, "recentAuthentication");
    checkNotNull(resolution, "resolution");
    checkArgument(!recentAuthentication.isNegative() && !recentAuthentication.isZero(),
        "recentAuthentication must be positive, but was %s", recentAuthentication);
  }

  /** The settings before roles (issue 16): resolution {@link ResolutionRule#HIGHEST_WINS}. */
  public OrganizationSettings(boolean memberJoinedNotifications, boolean require2fa, Set<String> ssoEnforcedDomains,
      Optional<Boolean> membersCanInvite, Optional<Boolean> membersCanCreateProjects,
      boolean membersCanUsePersonalApiKeys, Duration recentAuthentication) {
    this(memberJoinedNotifications, require2fa, ssoEnforcedDomains, membersCanInvite, membersCanCreateProjects,
        membersCanUsePersonalApiKeys, recentAuthentication, ResolutionRule.HIGHEST_WINS);
  }

  /** The settings of a new organization. */
  public static OrganizationSettings defaults() {
    return new OrganizationSettings(true, false, Set.of(), Optional.empty(), Optional.empty(), true,
        DEFAULT_RECENT_AUTHENTICATION, ResolutionRule.HIGHEST_WINS);
  }

  public OrganizationSettings withMemberJoinedNotifications(boolean on) {
    return new OrganizationSettings(on, require2fa, ssoEnforcedDomains, membersCanInvite, membersCanCreateProjects,
        membersCanUsePersonalApiKeys, recentAuthentication, resolution);
  }

  public OrganizationSettings withRequire2fa(boolean on) {
    return new OrganizationSettings(memberJoinedNotifications, on, ssoEnforcedDomains, membersCanInvite,
        membersCanCreateProjects, membersCanUsePersonalApiKeys, recentAuthentication, resolution);
  }

  /** @throws IllegalArgumentException if a domain lacks an inner dot or has an {@code @} */
  public OrganizationSettings withSsoEnforcedDomains(Set<String> domains) {
    return new OrganizationSettings(memberJoinedNotifications, require2fa, domains, membersCanInvite,
        membersCanCreateProjects, membersCanUsePersonalApiKeys, recentAuthentication, resolution);
  }

  public OrganizationSettings withMembersCanInvite(boolean allowed) {
    return new OrganizationSettings(memberJoinedNotifications, require2fa, ssoEnforcedDomains, Optional.of(allowed),
        membersCanCreateProjects, membersCanUsePersonalApiKeys, recentAuthentication, resolution);
  }

  public OrganizationSettings withMembersCanCreateProjects(boolean allowed) {
    return new OrganizationSettings(memberJoinedNotifications, require2fa, ssoEnforcedDomains, membersCanInvite,
        Optional.of(allowed), membersCanUsePersonalApiKeys, recentAuthentication, resolution);
  }

  public OrganizationSettings withMembersCanUsePersonalApiKeys(boolean allowed) {
    return new OrganizationSettings(memberJoinedNotifications, require2fa, ssoEnforcedDomains, membersCanInvite,
        membersCanCreateProjects, allowed, recentAuthentication, resolution);
  }

  public OrganizationSettings withRecentAuthentication(Duration window) {
    return new OrganizationSettings(memberJoinedNotifications, require2fa, ssoEnforcedDomains, membersCanInvite,
        membersCanCreateProjects, membersCanUsePersonalApiKeys, window, resolution);
  }

  public OrganizationSettings withResolution(ResolutionRule rule) {
    return new OrganizationSettings(memberJoinedNotifications, require2fa, ssoEnforcedDomains, membersCanInvite,
        membersCanCreateProjects, membersCanUsePersonalApiKeys, recentAuthentication, rule);
  }

  /** Whether users with {@code email} must sign in with SSO here. */
  public boolean ssoEnforcedFor(EmailAddress email) {
    return !ssoEnforcedDomains.isEmpty() && ssoEnforcedDomains.contains(email.domain());
  }

  private static Set<String> normalizeDomains(Set<String> domains) {
    checkNotNull(domains, "ssoEnforcedDomains");
    ImmutableSet.Builder<String> b = ImmutableSet.builder();
    for (String d : domains) {
      String n = checkNotNull(d, "domain").strip().toLowerCase(java.util.Locale.ROOT);
      int dot = n.indexOf('.');
      checkArgument(dot > 0 && n.lastIndexOf('.') < n.length() - 1 && n.indexOf('@') < 0,
          "SSO domain must look like 'acme.com', but was '%s'", d);
      b.add(n);
    }
    return b.build();
  }
}

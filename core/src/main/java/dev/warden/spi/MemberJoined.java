package dev.warden.spi;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.warden.organization.Membership;
import dev.warden.organization.Organization;
import java.util.List;

/**
 * A member joined an organization. {@code recipients} are the other active members, in user-id order.
 * Immutable.
 */
public record MemberJoined(Organization organization, Membership joined, List<Membership> recipients) {
  public MemberJoined {
    checkNotNull(organization, "organization");
    checkNotNull(joined, "joined");
    recipients = ImmutableList.copyOf(recipients);
  }
}

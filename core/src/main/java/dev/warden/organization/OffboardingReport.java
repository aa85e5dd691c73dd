package dev.warden.organization;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.warden.apikey.ApiKeyId;
import java.util.List;

/**
 * What {@code members().offboard(…)} did, step by step, in the order of the guide's offboarding
 * checklist. The last step, removing the person from chat channels, is the host's job and is only
 * reminded of here. Immutable.
 *
 * @param grantsRemoved project grants deleted with the membership
 * @param resourceRulesRemoved resource rules naming the user, deleted
 * @param keysRevoked API keys that reached only this organization
 * @param keysNarrowed API keys that lost this organization (or its projects) from their limits
 * @param resourcesTransferred resources the user created here, now owned by the successor
 */
public record OffboardingReport(
    OrgId organization,
    UserId user,
    UserId transferredTo,
    int grantsRemoved,
    int resourceRulesRemoved,
    List<ApiKeyId> keysRevoked,
    List<ApiKeyId> keysNarrowed,
    int resourcesTransferred) {

  /** The reminder for the step Warden cannot do. */
  public static final String CHAT_REMINDER =
      "Remove the person from shared chat channels (e.g. Slack): that is the host's job, not Warden's.";

  public OffboardingReport {
    checkNotNull(organization, "organization");
    checkNotNull(user, "user");
    checkNotNull(transferredTo, "transferredTo");
    keysRevoked = ImmutableList.copyOf(keysRevoked);
    keysNarrowed = ImmutableList.copyOf(keysNarrowed);
  }

  /** The steps as lines, in checklist order, ending with the chat reminder. */
  public List<String> steps() {
    return List.of(
        "Removed " + user + " from organization " + organization + " (" + grantsRemoved + " project grants, "
            + resourceRulesRemoved + " resource rules)",
        "Revoked API keys " + keysRevoked + "; removed this organization from keys " + keysNarrowed,
        "Transferred " + resourcesTransferred + " resources to " + transferredTo,
        "Recorded each step in the audit log",
        CHAT_REMINDER);
  }
}

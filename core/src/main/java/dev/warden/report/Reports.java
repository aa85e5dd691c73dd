package dev.warden.report;

import dev.warden.Principal;
import dev.warden.organization.OrgId;
import java.time.Duration;

/**
 * Access reports for one organization: the access registry and the access review. Obtain it from
 * {@code AccessPolicy.reports()}. Reading and recording need {@code MANAGE_MEMBERS}. Thread-safe.
 */
public interface Reports {

  /** The organization's access registry (as data; {@link AccessRegistry#toMarkdown()} for the document). */
  AccessRegistry registry(Principal actor, OrgId organization);

  /**
   * The access review: what expired unswept, what expires within {@code expiringWithin}, members with
   * no visible project, API keys (of members) unused — never used, or last used — for
   * {@code keysUnusedFor}, Owner and Admin counts, and the last recorded review. Durations reaching
   * past the supported range of instants saturate at its ends ({@link dev.warden.Limits#plus}).
   *
   * @throws IllegalArgumentException if a duration is negative
   */
  AccessReview review(Principal actor, OrgId organization, Duration expiringWithin, Duration keysUnusedFor);

  /**
   * Records that the organization's access was reviewed now (audited as {@code access_review.recorded}),
   * with a note ({@code ""} for none).
   *
   * @throws NullPointerException if any argument is null
   * @throws IllegalArgumentException if the note breaks a {@link dev.warden.Limits#note} rule
   */
  void recordReview(Principal actor, OrgId organization, String note);
}

package dev.warden.report;

import static com.google.common.base.Preconditions.checkArgument;

/** What {@code AccessPolicy.sweepExpired()} removed: expired memberships and expired grants. Immutable. */
public record SweepReport(int memberships, int grants) {
  public SweepReport {
    checkArgument(memberships >= 0 && grants >= 0, "counts must not be negative");
  }

  /** This report plus {@code other}. */
  public SweepReport plus(SweepReport other) {
    return new SweepReport(memberships + other.memberships, grants + other.grants);
  }
}

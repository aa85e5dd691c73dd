package dev.warden.jdbc.internal;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.organization.EmailAddress;
import dev.warden.organization.Membership;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code warden_membership}. The conditional operations are atomic on their own: {@link #update} locks
 * the membership row (and, to demote an Owner, the organization row first), {@link #delete} refuses
 * Owners in its {@code WHERE} clause.
 */
final class JdbcMembershipRepository implements dev.warden.spi.MembershipRepository {
  private static final String COLUMNS =
      "org_id, user_id, email, level, note, expires_at, joined_at, invited_by";

  private static final int COLUMN_COUNT = 8;
  private static final String INSERT_INTO = "INSERT INTO warden_membership (" + COLUMNS + ")";
  private static final String INSERT = INSERT_INTO + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

  private final JdbcTransaction tx;

  JdbcMembershipRepository(JdbcTransaction tx) {
    this.tx = tx;
  }

  @Override
  public Optional<Membership> find(OrgId organization, UserId user) {
    checkNotNull(organization, "organization");
    checkNotNull(user, "user");
    return tx.jdbc().first("reading a membership in " + organization,
        "SELECT " + COLUMNS + " FROM warden_membership WHERE org_id = ? AND user_id = ?",
        JdbcMembershipRepository::membership, organization.value(), user.value());
  }

  @Override
  public List<Membership> listByOrganization(OrgId organization) {
    checkNotNull(organization, "organization");
    return tx.jdbc().list("listing the memberships of " + organization,
            "SELECT " + COLUMNS + " FROM warden_membership WHERE org_id = ?",
            JdbcMembershipRepository::membership, organization.value())
        .stream()
        // Sorted here, not in SQL: the database's collation may order ids differently from Java.
        .sorted(Comparator.comparing(m -> m.user().value()))
        .toList();
  }

  @Override
  public List<Membership> listByUser(UserId user) {
    checkNotNull(user, "user");
    return tx.jdbc().list("listing a user's memberships",
            "SELECT " + COLUMNS + " FROM warden_membership WHERE user_id = ?",
            JdbcMembershipRepository::membership, user.value())
        .stream()
        .sorted(Comparator.comparing(m -> m.organization().value()))
        .toList();
  }

  @Override
  public void insert(Membership membership) {
    checkNotNull(membership, "membership");
    tx.jdbc().update("inserting a membership in " + membership.organization(), INSERT, row(membership));
  }

  /** {@link #insert}s as multi-row statements. */
  @Override
  public void insertAll(List<Membership> memberships) {
    checkNotNull(memberships, "memberships");
    tx.jdbc().insertRows("inserting memberships", INSERT_INTO, "", COLUMN_COUNT,
        memberships.stream().map(m -> row(checkNotNull(m, "membership"))).toList());
  }

  private static Object[] row(Membership membership) {
    return new Object[] {membership.organization().value(), membership.user().value(),
        Jdbc.text(membership.email().map(EmailAddress::value)), membership.level().name(),
        Jdbc.text(membership.note()), Jdbc.instant(membership.expiresAt()), membership.joinedAt(),
        Jdbc.text(membership.invitedBy().map(UserId::value))};
  }

  @Override
  public boolean update(Membership current, Membership next) {
    checkNotNull(current, "current");
    checkNotNull(next, "next");
    checkArgument(current.organization().equals(next.organization()) && current.user().equals(next.user()),
        "update must keep organization and user");
    OrgId org = current.organization();
    boolean demotesOwner = current.level() == OrgLevel.OWNER && next.level() != OrgLevel.OWNER;
    if (demotesOwner && tx.lock(org).isEmpty()) {
      // Locked before the membership row, in the order the engine locks, so two demotions of different
      // Owners serialize here and the second counts the Owners the first left.
      return false;
    }
    Optional<Membership> stored = tx.jdbc().first("locking a membership in " + org,
        "SELECT " + COLUMNS + " FROM warden_membership WHERE org_id = ? AND user_id = ? FOR UPDATE",
        JdbcMembershipRepository::membership, org.value(), current.user().value());
    // Compared as stored: instants are kept to the microsecond, so compare current that way too.
    if (stored.isEmpty() || !stored.get().equals(truncated(current))) {
      return false;
    }
    // The stored membership is an Owner's, so another Owner remains exactly when one other exists: one
    // probe of the (org_id, level) index rather than a count over the organization's members.
    if (demotesOwner && tx.jdbc().first("looking for another owner of " + org,
        "SELECT user_id FROM warden_membership WHERE org_id = ? AND level = ? AND user_id <> ? FETCH FIRST 1 ROWS ONLY",
        rs -> Boolean.TRUE, org.value(), OrgLevel.OWNER.name(), current.user().value()).isEmpty()) {
      return false;
    }
    tx.jdbc().update("updating a membership in " + org,
        "UPDATE warden_membership SET email = ?, level = ?, note = ?, expires_at = ?, joined_at = ?, invited_by = ?"
            + " WHERE org_id = ? AND user_id = ?",
        Jdbc.text(next.email().map(EmailAddress::value)), next.level().name(), Jdbc.text(next.note()),
        Jdbc.instant(next.expiresAt()), next.joinedAt(), Jdbc.text(next.invitedBy().map(UserId::value)),
        org.value(), next.user().value());
    return true;
  }

  @Override
  public boolean delete(OrgId organization, UserId user) {
    checkNotNull(organization, "organization");
    checkNotNull(user, "user");
    return tx.jdbc().update("deleting a membership in " + organization,
        "DELETE FROM warden_membership WHERE org_id = ? AND user_id = ? AND level <> ?",
        organization.value(), user.value(), OrgLevel.OWNER.name()) > 0;
  }

  private static Membership truncated(Membership m) {
    return new Membership(m.organization(), m.user(), m.email(), m.level(), m.note(), Jdbc.micros(m.expiresAt()),
        Jdbc.micros(m.joinedAt()), m.invitedBy());
  }

  private static Membership membership(ResultSet rs) throws SQLException {
    return new Membership(
        OrgId.of(rs.getString("org_id")),
        UserId.of(rs.getString("user_id")),
        Jdbc.optionalText(rs, "email").map(EmailAddress::of),
        OrgLevel.valueOf(rs.getString("level")),
        Jdbc.optionalText(rs, "note"),
        Jdbc.optionalInstant(rs, "expires_at"),
        Jdbc.instant(rs, "joined_at"),
        Jdbc.optionalText(rs, "invited_by").map(UserId::of));
  }
}

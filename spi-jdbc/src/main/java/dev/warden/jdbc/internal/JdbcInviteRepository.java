package dev.warden.jdbc.internal;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.warden.invite.Invite;
import dev.warden.invite.InviteGrant;
import dev.warden.invite.InviteId;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.OrgId;
import dev.warden.organization.OrgLevel;
import dev.warden.organization.UserId;
import dev.warden.project.ProjectId;
import dev.warden.project.ProjectRole;
import dev.warden.role.RoleId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code warden_invite}, {@code warden_invite_grant} and {@code warden_invite_role}. An unused invite keeps its email in
 * {@code pending_email}, which is unique per organization, so the schema itself allows one unused invite
 * per organization and email; using the invite clears the column.
 */
final class JdbcInviteRepository implements dev.warden.spi.InviteRepository {
  private static final String COLUMNS =
      "id, org_id, email, level, invited_by, created_at, expires_at, accepted_at";

  private final JdbcTransaction tx;

  JdbcInviteRepository(JdbcTransaction tx) {
    this.tx = tx;
  }

  @Override
  public void insertReplacingUnused(Invite invite, String tokenHash) {
    checkNotNull(invite, "invite");
    checkNotNull(tokenHash, "tokenHash");
    OrgId org = invite.organization();
    // Under the organization's lock, so two callers replacing invites for one email cannot both delete
    // nothing and then collide on the unique pending email.
    checkArgument(tx.lock(org).isPresent(), "organization %s does not exist", org);
    deleteUnused(org, invite.email());
    tx.jdbc().update("inserting invite " + invite.id(),
        "INSERT INTO warden_invite (" + COLUMNS + ", token_hash, pending_email) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        invite.id().value(), org.value(), invite.email().value(), invite.level().name(),
        invite.invitedBy().value(), invite.createdAt(), invite.expiresAt(), Jdbc.instant(invite.acceptedAt()),
        tokenHash, invite.acceptedAt().isEmpty() ? invite.email().value() : Jdbc.Null.VARCHAR);
    List<Object[]> grants = new ArrayList<>();
    for (int i = 0; i < invite.grants().size(); i++) {
      InviteGrant g = invite.grants().get(i);
      grants.add(new Object[] {invite.id().value(), i, g.project().value(), g.role().name()});
    }
    tx.jdbc().batch("inserting the grants of invite " + invite.id(),
        "INSERT INTO warden_invite_grant (invite_id, seq, project_id, role) VALUES (?, ?, ?, ?)", grants);
    tx.jdbc().batch("inserting the roles of invite " + invite.id(),
        "INSERT INTO warden_invite_role (invite_id, seq, role_id) VALUES (?, ?, ?)",
        Jdbc.listRows(invite.id().value(), invite.roles().stream().map(RoleId::value).toList()));
  }

  @Override
  public Optional<Invite> find(InviteId id) {
    checkNotNull(id, "invite");
    return select("reading invite " + id, "i.id = ?", id.value()).stream().findFirst();
  }

  @Override
  public Optional<Invite> findByTokenHash(String tokenHash) {
    checkNotNull(tokenHash, "tokenHash");
    return select("looking up an invite by token hash", "i.token_hash = ?", tokenHash).stream().findFirst();
  }

  @Override
  public List<Invite> listUnused(OrgId organization) {
    checkNotNull(organization, "organization");
    return select("listing unused invites in " + organization, "i.org_id = ? AND i.accepted_at IS NULL",
            organization.value())
        .stream()
        // Creation order; sorted here so ties break by Java's string order, whatever the collation.
        .sorted(Comparator.comparing(Invite::createdAt).thenComparing(i -> i.id().value()))
        .toList();
  }

  @Override
  public boolean consume(InviteId id, Instant at) {
    checkNotNull(id, "invite");
    checkNotNull(at, "at");
    // Compare-and-set in one statement: of concurrent calls, the first to update the row wins; the others
    // wait for its lock, see accepted_at set and update nothing.
    return tx.jdbc().update("using invite " + id,
        "UPDATE warden_invite SET accepted_at = ?, pending_email = NULL WHERE id = ? AND accepted_at IS NULL",
        at, id.value()) == 1;
  }

  @Override
  public boolean delete(InviteId id) {
    checkNotNull(id, "invite");
    // Its grants go with it (ON DELETE CASCADE).
    return tx.jdbc().update("deleting invite " + id, "DELETE FROM warden_invite WHERE id = ?", id.value()) > 0;
  }

  @Override
  public int deleteUnused(OrgId organization, EmailAddress email) {
    checkNotNull(organization, "organization");
    checkNotNull(email, "email");
    return tx.jdbc().update("deleting unused invites in " + organization,
        "DELETE FROM warden_invite WHERE org_id = ? AND pending_email = ?", organization.value(), email.value());
  }

  /**
   * The invites matching {@code where} (on alias {@code i}) with their grants and roles, read in one
   * statement so an invite, its grants and its roles come from the same snapshot: one row per grant
   * (or one without, for an invite with none), then one per role.
   */
  private List<Invite> select(String doing, String where, Object... params) {
    Map<String, Invite> invites = new LinkedHashMap<>();
    Map<String, List<InviteGrant>> grants = new LinkedHashMap<>();
    Map<String, List<RoleId>> roles = new LinkedHashMap<>();
    String invite = "SELECT i.id, i.org_id, i.email, i.level, i.invited_by, i.created_at, i.expires_at, i.accepted_at,";
    Object[] twice = new Object[params.length * 2];
    System.arraycopy(params, 0, twice, 0, params.length);
    System.arraycopy(params, 0, twice, params.length, params.length);
    tx.jdbc().list(doing,
        invite + " 0 AS item_kind, g.seq AS item_seq, g.project_id AS item_ref, g.role AS item_role"
            + " FROM warden_invite i LEFT JOIN warden_invite_grant g ON g.invite_id = i.id WHERE " + where
            + " UNION ALL "
            + invite + " 1 AS item_kind, r.seq AS item_seq, r.role_id AS item_ref, NULL AS item_role"
            + " FROM warden_invite i JOIN warden_invite_role r ON r.invite_id = i.id WHERE " + where
            + " ORDER BY id, item_kind, item_seq",
        rs -> {
          String id = rs.getString("id");
          if (!invites.containsKey(id)) {
            invites.put(id, invite(rs));
            grants.put(id, new ArrayList<>());
            roles.put(id, new ArrayList<>());
          }
          String ref = rs.getString("item_ref");
          if (ref != null && rs.getInt("item_kind") == 0) {
            grants.get(id).add(new InviteGrant(ProjectId.of(ref), ProjectRole.valueOf(rs.getString("item_role"))));
          } else if (ref != null) {
            roles.get(id).add(RoleId.of(ref));
          }
          return id;
        },
        twice);
    List<Invite> out = new ArrayList<>(invites.size());
    for (Invite i : invites.values()) {
      out.add(new Invite(i.id(), i.organization(), i.email(), i.level(), grants.get(i.id().value()), i.invitedBy(),
          i.createdAt(), i.expiresAt(), i.acceptedAt(), roles.get(i.id().value())));
    }
    return out;
  }

  private static Invite invite(ResultSet rs) throws SQLException {
    return new Invite(
        InviteId.of(rs.getString("id")),
        OrgId.of(rs.getString("org_id")),
        EmailAddress.of(rs.getString("email")),
        OrgLevel.valueOf(rs.getString("level")),
        List.of(),
        UserId.of(rs.getString("invited_by")),
        Jdbc.instant(rs, "created_at"),
        Jdbc.instant(rs, "expires_at"),
        Jdbc.optionalInstant(rs, "accepted_at"));
  }

}

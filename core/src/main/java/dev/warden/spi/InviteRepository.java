package dev.warden.spi;

import dev.warden.invite.Invite;
import dev.warden.invite.InviteId;
import dev.warden.organization.EmailAddress;
import dev.warden.organization.OrgId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Stores invites with the hash of their token (never the token). At most one unused invite exists per
 * organization and email.
 */
public interface InviteRepository {

  /**
   * Atomically deletes every unused invite for the invite's organization and email and inserts this
   * one with its token hash.
   */
  void insertReplacingUnused(Invite invite, String tokenHash);

  Optional<Invite> find(InviteId id);

  Optional<Invite> findByTokenHash(String tokenHash);

  /** The organization's unused invites (expired ones included), in creation order ({@link StoreOrder#INVITES}). */
  List<Invite> listUnused(OrgId organization);

  /**
   * Marks the invite used at {@code at}, atomically: of two concurrent calls for one invite exactly one
   * returns {@code true}; a used or missing invite returns {@code false}.
   */
  boolean consume(InviteId id, Instant at);

  /** Deletes one invite; returns whether it existed. */
  boolean delete(InviteId id);

  /** Deletes every unused invite for the organization and email; returns how many. */
  int deleteUnused(OrgId organization, EmailAddress email);
}

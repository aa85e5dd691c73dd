package dev.warden.invite;

import dev.warden.Limits;

/** Identifies an invite. Immutable; unlike the invite token, an id is not a secret. */
public record InviteId(String value) {
  public InviteId {
    Limits.id(value, "invite id");
  }

  public static InviteId of(String value) {
    return new InviteId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}

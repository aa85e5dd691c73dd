package dev.warden.organization;

/** How many Owners an organization may have. Either way it never has zero. */
public enum OwnershipRule {
  /** Exactly one Owner; a new Owner is made only by transferring ownership. */
  SINGLE,
  /** One or more Owners; an Owner may promote and demote other Owners. */
  MULTIPLE
}

package dev.warden.role;

/**
 * How an organization combines a member's own project grant with the grants of the member's roles on
 * the same project (issue 16). Everything else is the same under both: organization Admins and Owners
 * are implicit project Admins, a rule beats the project's default role even when lower, and a member
 * with neither sees an open project at its default role and a private one not at all. So an
 * organization without roles decides exactly alike under both.
 */
public enum ResolutionRule {
  /** The highest of the member's own grant and their roles' grants (the default). */
  HIGHEST_WINS,
  /** The member's own grant when there is one, even if a role gives more; else the highest role grant. */
  MOST_SPECIFIC
}

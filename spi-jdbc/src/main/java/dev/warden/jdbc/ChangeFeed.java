package dev.warden.jdbc;

/**
 * How the policies on a {@link JdbcStore} learn of changes that other application instances commit to
 * the same database. Whatever the feed, a policy also polls the revisions of its cached organizations
 * within its staleness bound ({@code AccessPolicy.builder().stalenessBound(…)}), so the feed only makes
 * changes visible sooner; it is never what correctness rests on.
 */
public enum ChangeFeed {
  /**
   * PostgreSQL {@code LISTEN/NOTIFY}, the default for {@link Dialect#POSTGRES}: every committed change
   * notifies, and each store with a subscribed policy keeps one connection of the data source open to
   * listen. Other instances typically see a change within milliseconds.
   */
  LISTEN_NOTIFY,

  /**
   * Revision polling only; the store never sends {@code NOTIFY} and holds no extra connection. The only
   * choice for H2, and the one for PostgreSQL-compatible engines without {@code LISTEN/NOTIFY}
   * (CockroachDB). Other instances see a change within the staleness bound.
   */
  POLLING
}

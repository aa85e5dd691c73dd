package dev.warden.jdbc.migration;

import dev.warden.jdbc.internal.JsonListsMigration;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Schema version 4.1: copies the JSON list columns into the list tables of version 4. Not API: public
 * only so that Flyway, scanning this library's migration location, finds it beside the SQL scripts
 * (registered by hand instead, a Flyway set up with only the location would run 4.2, which drops the
 * columns, without it). The class name gives the version.
 */
public final class V4_1__Lists_from_json extends BaseJavaMigration {

  /** Called by Flyway. */
  public V4_1__Lists_from_json() {}

  @Override
  public void migrate(Context context) throws Exception {
    JsonListsMigration.copy(context.getConnection());
  }
}

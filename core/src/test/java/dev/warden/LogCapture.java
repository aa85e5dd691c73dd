package dev.warden;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * What was logged while a test ran. The build sends slf4j-simple's output to the file named by
 * {@code org.slf4j.simpleLogger.logFile} (each module's {@code target/test.log}), so a passing build
 * stays readable; this reads what was appended to that file since {@link #start()}. Without the
 * property (a run from an IDE) slf4j-simple writes to {@code System.err}, which is captured instead.
 * Close it to restore {@code System.err}.
 */
public final class LogCapture implements AutoCloseable {
  private static final String LOG_FILE = "org.slf4j.simpleLogger.logFile";

  private final Path file;
  private final long offset;
  private final PrintStream originalErr;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private LogCapture(Path file, long offset, PrintStream originalErr) {
    this.file = file;
    this.offset = offset;
    this.originalErr = originalErr;
  }

  /** Starts capturing: from the end of the test log file, or from {@code System.err}. */
  public static LogCapture start() {
    String name = System.getProperty(LOG_FILE, "System.err");
    if (name.equals("System.err") || name.equals("System.out")) {
      LogCapture capture = new LogCapture(null, 0, System.err);
      System.setErr(new PrintStream(capture.err, true, StandardCharsets.UTF_8));
      return capture;
    }
    // slf4j-simple opens (and truncates) the file when it initializes: let it do so before measuring.
    LoggerFactory.getLogger(LogCapture.class);
    Path file = Path.of(name);
    try {
      return new LogCapture(file, Files.exists(file) ? Files.size(file) : 0, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Everything logged since {@link #start()}. */
  public String text() {
    if (file == null) {
      System.err.flush();
      return err.toString(StandardCharsets.UTF_8);
    }
    try {
      byte[] all = Files.readAllBytes(file);
      return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (originalErr != null) {
      System.setErr(originalErr);
    }
  }
}

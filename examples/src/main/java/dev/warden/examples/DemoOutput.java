package dev.warden.examples;

import dev.warden.Decision;
import dev.warden.WardenException;
import java.io.PrintStream;

/**
 * Where a demo prints: plain lines, section headers, and the requests Warden refuses with their error
 * codes. Every demo prints these the same way, which is what its smoke test reads. Not thread-safe; a
 * demo runs on one thread.
 */
public final class DemoOutput {
  private final PrintStream out;

  public DemoOutput(PrintStream out) {
    this.out = out;
  }

  public void println(String line) {
    out.println(line);
  }

  public void printf(String format, Object... args) {
    out.printf(format, args);
  }

  /** A blank line, then {@code == title ==}. */
  public void section(String title) {
    out.println();
    out.println("== " + title + " ==");
  }

  /** Runs {@code request} and prints "what: done", or "what: refused CODE" when Warden refuses it. */
  public void attempt(String what, Runnable request) {
    try {
      request.run();
      out.println("  " + what + ": done");
    } catch (WardenException e) {
      out.println("  " + what + ": refused " + e.code());
    }
  }

  /** "ALLOW (EXPLICIT_GRANT)"; a not-found decision has one reason, so it is just "NOT_FOUND". */
  public static String describe(Decision decision) {
    return decision.outcome() == Decision.Outcome.NOT_FOUND
        ? "NOT_FOUND"
        : decision.outcome() + " (" + decision.reason() + ")";
  }
}

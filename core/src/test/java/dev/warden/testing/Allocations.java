package dev.warden.testing;

import java.lang.management.ManagementFactory;

/** Measures what warm code allocates, with the JVM's per-thread allocation counter. */
public final class Allocations {
  private Allocations() {}

  /**
   * Runs {@code batch} on this thread in rounds, until a round allocates nothing or after 20 rounds (so
   * the JIT has compiled it), and returns the bytes the last round allocated.
   */
  public static long ofWarm(Runnable batch) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    long allocated = Long.MAX_VALUE;
    for (int round = 0; round < 20 && allocated > 0; round++) {
      long before = threads.getThreadAllocatedBytes(thread);
      batch.run();
      allocated = threads.getThreadAllocatedBytes(thread) - before;
    }
    return allocated;
  }
}

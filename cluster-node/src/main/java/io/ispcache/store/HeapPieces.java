package io.ispcache.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sizes of the heap arrays that hold a fill's bytes while they are in memory. Under G1 an array
 * that fills one heap region is a humongous object: the collector never copies it (a fill's
 * pieces live a while, held for its readers, and were copied from region to region at every
 * collection) and frees it as soon as nothing refers to it. Otherwise 1 MiB.
 */
public final class HeapPieces {
  private static final Logger log = LoggerFactory.getLogger(HeapPieces.class);

  /** An array never gets less room than this (a smaller remainder is read into a new one). */
  public static final int MIN_ROOM = 64 * 1024;
  /** Bytes per array: one heap region less the array's header. */
  public static final int BYTES = bytes();
  /**
   * The largest array below half a region: a smaller remainder gets at most this, since a
   * humongous array takes its whole region while the store counts only the bytes it holds.
   */
  public static final int BELOW_HALF_REGION = BYTES / 2 - 64;

  private HeapPieces() {}

  /** An array for the next bytes of a body with {@code left} bytes still to come. */
  public static byte[] allocate(long left) {
    return new byte[left >= BYTES ? BYTES : (int) Math.min(left, BELOW_HALF_REGION)];
  }

  private static int bytes() {
    try {
      com.sun.management.HotSpotDiagnosticMXBean vm =
          java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
      if (Boolean.parseBoolean(vm.getVMOption("UseG1GC").getValue())) {
        long region = Long.parseLong(vm.getVMOption("G1HeapRegionSize").getValue());
        // an array's header takes 16 bytes of its region; anything above half a region is humongous
        return (int) Math.max(MIN_ROOM, Math.min(region, 32L << 20) - 64);
      }
    } catch (RuntimeException | LinkageError e) {
      log.debug("heap region size unknown: {}", e.toString());
    }
    return 1 << 20;
  }
}

package io.ispcache.object;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SilentEntitiesTest {
  static final long S = 1_000_000_000L;

  @Test
  void anEntityThatTimedOutIsSkippedForTheWindowThenAskedAgain() {
    SilentEntities silent = new SilentEntities(Duration.ofSeconds(5));
    long t = 123 * S;
    assertFalse(silent.silent("k", t));
    silent.timedOut("k", t);
    assertTrue(silent.silent("k", t + 4 * S));
    assertFalse(silent.silent("other", t + S), "only that object's entity");
    assertFalse(silent.silent("k", t + 5 * S), "its window is over: ask again");
    assertFalse(silent.silent("k", t + 6 * S));
  }

  @Test
  void anAnswerEndsTheWindowAtOnce() {
    SilentEntities silent = new SilentEntities(Duration.ofSeconds(5));
    silent.timedOut("k", 0);
    silent.answered("k");
    assertFalse(silent.silent("k", S));
  }

  @Test
  void windowsWorkAcrossTheNanoTimeWrap() {
    SilentEntities silent = new SilentEntities(Duration.ofSeconds(5));
    long t = Long.MAX_VALUE - S;
    silent.timedOut("k", t);
    assertTrue(silent.silent("k", t + 2 * S));
    assertFalse(silent.silent("k", t + 6 * S));
  }

  @Test
  void aMassCrashDoesNotGrowItBeyondItsBound() {
    SilentEntities silent = new SilentEntities(Duration.ofSeconds(5));
    for (int i = 0; i < SilentEntities.MAX * 3; i++) {
      silent.timedOut("k" + i, 0);
    }
    assertTrue(silent.silent("k" + (SilentEntities.MAX * 3 - 1), S));
  }
}

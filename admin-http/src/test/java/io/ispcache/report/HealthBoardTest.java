package io.ispcache.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The board's figures: a node's restart (counters from zero) keeps its totals; stored reports merge newest first. */
class HealthBoardTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  final HealthBoard board = new HealthBoard(Duration.ofSeconds(90), clock);

  @Test
  void countersBelowTheLastHeartbeatAreANodeRestartAndTheTotalsCarryOver() {
    board.record("n", "c", true, new Counters(100, 50, 140, 10), 1, 2);
    board.record("n", "c", true, new Counters(300, 60, 350, 30), 1, 2);
    assertEquals(300, board.last("n").orElseThrow().hitBytes());

    // The node restarted: it counts from zero again.
    HealthBoard.Report afterRestart = board.record("n", "c", true, new Counters(5, 0, 5, 1), 1, 2);
    assertEquals(305, afterRestart.hitBytes());
    assertEquals(60, afterRestart.missBytes());
    assertEquals(355, afterRestart.egressBytes());
    assertEquals(31, afterRestart.requests());

    HealthBoard.Report later = board.record("n", "c", true, new Counters(20, 4, 24, 3), 1, 2);
    assertEquals(320, later.hitBytes());
    assertEquals(64, later.missBytes());
    assertEquals(33, board.summary(List.of("n")).requests());
  }

  @Test
  void oneCounterGoingDownIsARestartToo() {
    board.record("n", "c", true, new Counters(100, 50, 140, 10), 1, 2);
    HealthBoard.Report r = board.record("n", "c", true, new Counters(200, 60, 260, 9), 1, 2);
    assertEquals(300, r.hitBytes());
    assertEquals(19, r.requests());
  }

  @Test
  void totalsSaturateInsteadOfWrapping() {
    board.merge(new HealthBoard.Report("n", "c", clock.instant(), true, new Counters(Long.MAX_VALUE, 0, 0, 0), new Counters(Long.MAX_VALUE, 0, 0, 0), 0, 0));
    board.merge(new HealthBoard.Report("m", "c", clock.instant(), true, new Counters(Long.MAX_VALUE, 0, 0, 0), Counters.ZERO, 0, 0));
    assertEquals(Long.MAX_VALUE, board.last("n").orElseThrow().hitBytes());
    assertEquals(Long.MAX_VALUE, board.summary(List.of("n", "m")).hitBytes());
  }

  @Test
  void storedReportsReplaceOnlyOlderOnes() {
    HealthBoard.Report held = board.record("n", "c", true, new Counters(1, 1, 1, 1), 1, 2);
    board.merge(new HealthBoard.Report("n", "c", held.at().minusSeconds(5), false, Counters.ZERO, Counters.ZERO, 0, 0));
    assertEquals(held, board.last("n").orElseThrow());
    HealthBoard.Report newer = new HealthBoard.Report("n", "c", held.at().plusSeconds(5), false, Counters.ZERO, Counters.ZERO, 0, 0);
    board.merge(newer);
    assertEquals(newer, board.last("n").orElseThrow());
  }

  @Test
  void aNodeIsHealthyOnlyWithinTheTimeoutOfItsLastHeartbeat() {
    board.record("n", "c", true, Counters.ZERO, 0, 0);
    assertTrue(board.healthy("n"));
    clock.now = clock.now.plusSeconds(91);
    assertFalse(board.healthy("n"));
    assertFalse(board.healthy("unknown"));
  }

  static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}

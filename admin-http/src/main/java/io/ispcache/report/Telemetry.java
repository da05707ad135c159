package io.ispcache.report;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The traffic series of this admin node: heartbeats are queued as they come and written in one
 * transaction every {@code flushEvery} ({@link TelemetryTable#record}); every {@code
 * rollUpInterval} the last hours' minutes are rolled up into hours and what is older than the
 * retention is pruned. Every admin node runs the roll-up: it is idempotent (an hour is recomputed
 * from its minutes), so none has to be elected, and one that is down is not missed.
 */
public final class Telemetry {
  private static final Logger log = LoggerFactory.getLogger(Telemetry.class);
  /** Each roll-up recomputes this many past hours: an hour's minutes take writes until one flush after it ends. */
  static final int HOURS_REROLLED = 3;

  private final TelemetryTable table;
  private final TelemetrySettings settings;
  private final Clock clock;
  private final Executor blocking;
  private final ConcurrentLinkedQueue<Sample> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pendingCount = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();
  private boolean rolledEverything;
  private boolean failing;

  Telemetry(TelemetryTable table, TelemetrySettings settings, Clock clock, Executor blocking) {
    this.table = table;
    this.settings = settings;
    this.clock = clock;
    this.blocking = blocking;
  }

  /** Starts writing, rolling up and pruning on the blocking dispatcher; writes what is queued at shutdown. */
  public static Telemetry start(ActorSystem<?> system, TelemetryTable table, TelemetrySettings settings, Duration flushEvery, String dispatcher, Clock clock) {
    scala.concurrent.ExecutionContextExecutor ec = system.dispatchers().lookup(DispatcherSelector.fromConfig(dispatcher));
    Telemetry t = new Telemetry(table, settings, clock, ec);
    system.scheduler().scheduleWithFixedDelay(flushEvery, flushEvery, t::flush, ec);
    system.scheduler().scheduleWithFixedDelay(Duration.ZERO, settings.rollUpInterval(), t::rollUp, ec);
    CoordinatedShutdown.get(system)
        .addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "save-telemetry",
            () -> CompletableFuture.supplyAsync(() -> {
              t.flush();
              return Done.getInstance();
            }, ec));
    return t;
  }

  /** Queues a heartbeat for the next write; beyond the bound (the database down for long) the oldest are dropped. */
  public void take(Sample s) {
    pending.add(s);
    if (pendingCount.incrementAndGet() > settings.maxPendingSamples() && pending.poll() != null) {
      pendingCount.decrementAndGet();
      if (dropped.getAndIncrement() == 0) {
        log.warn("telemetry cannot be written and more than {} heartbeats wait: the oldest are dropped (their traffic is counted by the next one written)",
            settings.maxPendingSamples());
      }
    }
  }

  /** Writes the queued heartbeats; on failure they stay queued for the next flush. */
  synchronized void flush() {
    List<Sample> batch = new ArrayList<>();
    for (Sample s; (s = pending.poll()) != null; ) {
      pendingCount.decrementAndGet();
      batch.add(s);
    }
    if (batch.isEmpty()) {
      return;
    }
    try {
      table.record(batch);
      recovered();
    } catch (SQLException e) {
      batch.forEach(this::take);
      failed("write", e);
    }
  }

  /** Rolls the last hours up (every stored hour at the first run) and prunes what is past retention. */
  synchronized void rollUp() {
    long now = clock.millis();
    try {
      long from = now - HOURS_REROLLED * TelemetryTable.HOUR_MS;
      if (!rolledEverything) {
        from = Math.min(from, table.oldestMinute().orElse(from));
      }
      table.rollUp(from, now);
      rolledEverything = true;
      // Minutes go by whole hours, only those rolled up: an hour's row always has its minutes' sums.
      long minutesBefore = Math.floorDiv(now - settings.minuteRetention().toMillis(), TelemetryTable.HOUR_MS) * TelemetryTable.HOUR_MS;
      table.prune(minutesBefore, now - settings.hourRetention().toMillis());
      recovered();
    } catch (SQLException e) {
      // Also when another admin node rolls the same hours at this moment: the next run redoes them.
      failed("roll up", e);
    }
  }

  /** The stored buckets of {@code scope} over {@code w} at the range's step. */
  public CompletionStage<List<Bucket>> buckets(TelemetryTable.Scope scope, ReportRange range, ReportRange.Window w) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        if (range.step.toMillis() == TelemetryTable.MINUTE_MS) {
          return table.minutes(scope, w.fromMs(), w.toMs());
        }
        return table.hours(scope, w.fromMs(), w.toMs(), clock.millis() - settings.minuteRetention().toMillis());
      } catch (SQLException e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }, blocking);
  }

  /** Each node's totals in {@code scope} over {@code w}. */
  public CompletionStage<List<TelemetryTable.NodeTotals>> perNode(TelemetryTable.Scope scope, ReportRange.Window w) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return table.perNode(scope, w.fromMs(), w.toMs(), w.stepMs(), clock.millis() - settings.minuteRetention().toMillis());
      } catch (SQLException e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }, blocking);
  }

  /** Forgets a deleted node's baseline; its figures stay in the series until they age out. */
  public CompletionStage<Void> forget(String nodeId) {
    return CompletableFuture.runAsync(() -> {
      try {
        table.forget(nodeId);
      } catch (SQLException e) {
        log.warn("could not delete the telemetry baseline of deleted cache node {}: {}", nodeId, e.toString());
      }
    }, blocking);
  }

  public Clock clock() {
    return clock;
  }

  private void failed(String what, SQLException e) {
    if (!failing) {
      log.warn("could not {} the traffic telemetry (retrying): {}", what, e.toString());
    } else {
      log.debug("could not {} the traffic telemetry: {}", what, e.toString());
    }
    failing = true;
  }

  private void recovered() {
    if (failing) {
      log.info("traffic telemetry is written again");
    }
    failing = false;
  }
}

package io.ispcache.report;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContextExecutor;

/**
 * Keeps the health board durable and the same on every admin node, through the registry's
 * database ({@link HeartbeatTable}).
 *
 * <p>Why the database and not Akka Distributed Data: the registry's database is already the one
 * durable store that every admin node shares and that operators back up; a row per node survives
 * the restart of every admin node at once (Distributed Data's durable keys live in each node's own
 * LMDB files, so a replaced or freshly provisioned admin node starts empty, and LMDB brings a
 * native library into the deployable), and it is tested on H2 and PostgreSQL like the registry.
 *
 * <p>Database load is bounded whatever the number of nodes: heartbeats are taken in memory at once
 * (steering on this admin node sees them immediately) and written behind, every {@code every}, in
 * one batch of the nodes that reported since; the same tick reads every row back, so the other
 * admin nodes' heartbeats arrive within two ticks. The board is read from the table before the API
 * answers its first request, and written once more at shutdown.
 */
public final class HealthSync {
  private static final Logger log = LoggerFactory.getLogger(HealthSync.class);

  private final HealthBoard board;
  private final HeartbeatTable table;
  private final Executor blocking;
  private final Set<String> unsaved = ConcurrentHashMap.newKeySet();
  private final AtomicLong failedWrites = new AtomicLong();
  private boolean failing;

  private HealthSync(HealthBoard board, HeartbeatTable table, Executor blocking) {
    this.board = board;
    this.table = table;
    this.blocking = blocking;
  }

  /**
   * Starts syncing; the stage completes once the stored heartbeats are on the board (or could not
   * be read, which is logged: the board then fills from heartbeats as before).
   */
  public static CompletionStage<HealthSync> start(ActorSystem<?> system, HealthBoard board, HeartbeatTable table, Duration every, String dispatcher) {
    ExecutionContextExecutor ec = system.dispatchers().lookup(DispatcherSelector.fromConfig(dispatcher));
    HealthSync sync = new HealthSync(board, table, ec);
    CoordinatedShutdown.get(system)
        .addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "save-heartbeats",
            () -> CompletableFuture.supplyAsync(() -> {
              sync.save();
              return Done.getInstance();
            }, ec));
    return CompletableFuture.supplyAsync(() -> {
      sync.load();
      system.scheduler().scheduleWithFixedDelay(every, every, sync::tick, ec);
      return sync;
    }, ec);
  }

  /** Takes a heartbeat on this admin node now; it is written with the next tick. */
  public HealthBoard.Report heartbeat(String nodeId, String customerId, boolean healthy, Counters counters, long diskUsedBytes, long diskCapacityBytes) {
    HealthBoard.Report previous = board.last(nodeId).orElse(null);
    HealthBoard.Report r = board.record(nodeId, customerId, healthy, counters, diskUsedBytes, diskCapacityBytes);
    if (previous != null && counters.anyBelow(previous.reported())) {
      log.info("cache node {} reports counters below its last heartbeat: taken as a restart of the node", nodeId);
    }
    unsaved.add(nodeId);
    return r;
  }

  /** Forgets a deleted node here and in the table. */
  public CompletionStage<Void> forget(String nodeId) {
    unsaved.remove(nodeId);
    board.forget(nodeId);
    return CompletableFuture.runAsync(() -> {
      try {
        table.delete(nodeId);
      } catch (SQLException e) {
        log.warn("could not delete the stored heartbeat of deleted cache node {}: {}", nodeId, e.toString());
      }
    }, blocking);
  }

  private void tick() {
    save();
    load();
  }

  /** Writes the reports taken since the last write; on failure they are kept for the next tick. */
  synchronized void save() {
    List<HealthBoard.Report> batch = new ArrayList<>();
    for (String id : List.copyOf(unsaved)) {
      unsaved.remove(id);
      board.last(id).ifPresent(batch::add);
    }
    if (batch.isEmpty()) {
      return;
    }
    try {
      table.save(batch);
      recovered();
    } catch (SQLException e) {
      batch.forEach(r -> unsaved.add(r.nodeId()));
      failedWrites.incrementAndGet();
      failed("write", e);
    }
  }

  private synchronized void load() {
    try {
      table.loadAll().forEach(board::merge);
      recovered();
    } catch (SQLException e) {
      failed("read", e);
    }
  }

  /** Batches that could not be written (and were kept for a later tick). */
  long failedWrites() {
    return failedWrites.get();
  }

  private void failed(String what, SQLException e) {
    if (!failing) {
      log.warn("could not {} the stored heartbeats (retrying every tick; steering uses this admin node's own): {}", what, e.toString());
    }
    failing = true;
  }

  private void recovered() {
    if (failing) {
      log.info("stored heartbeats are read and written again");
    }
    failing = false;
  }
}

package io.ispcache.content.server;

import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One I/O thread: a selector over its connections, a queue of tasks other threads hand it, and a
 * once-a-second sweep for timeouts and the Date header. A connection's state is only ever touched
 * on its loop's thread.
 */
final class EventLoop implements Executor, Runnable {
  private static final Logger log = LoggerFactory.getLogger(EventLoop.class);
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

  /** Anything registered with the selector: told when its key is ready. */
  interface Ready {
    void ready(SelectionKey key);
  }

  final Selector selector;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean woken = new AtomicBoolean();
  private final Set<Connection> connections = new HashSet<>();
  private final Thread thread;
  private volatile boolean running = true;
  private long lastSweep = System.nanoTime();
  private String date = imfNow();

  EventLoop(String name) throws IOException {
    this.selector = Selector.open();
    this.thread = new Thread(this, name);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    if (!inLoop() && woken.compareAndSet(false, true)) {
      selector.wakeup();
    }
  }

  String date() {
    return date;
  }

  void add(Connection c) {
    connections.add(c);
  }

  void remove(Connection c) {
    connections.remove(c);
  }

  /** Closes the connections that are between requests. */
  void closeIdle() {
    for (Connection c : new ArrayList<>(connections)) {
      if (c.idle()) {
        c.close();
      }
    }
  }

  /** Closes every connection; the loop keeps running until {@link #stop}. */
  void closeAll() {
    for (Connection c : new ArrayList<>(connections)) {
      c.close();
    }
  }

  void stop() {
    running = false;
    selector.wakeup();
  }

  @Override
  public void run() {
    while (running) {
      try {
        selector.select(tasks.isEmpty() ? 1000 : 1);
        woken.set(false);
        var selected = selector.selectedKeys();
        for (SelectionKey key : selected) {
          if (key.isValid()) {
            ((Ready) key.attachment()).ready(key);
          }
        }
        selected.clear();
        Runnable task;
        while ((task = tasks.poll()) != null) {
          task.run();
        }
        long now = System.nanoTime();
        if (now - lastSweep >= 1_000_000_000L) {
          lastSweep = now;
          date = imfNow();
          for (Connection c : new ArrayList<>(connections)) {
            c.tick(now);
          }
        }
      } catch (ClosedSelectorException e) {
        return;
      } catch (RuntimeException | Error e) {
        // One misbehaving exchange must not take the loop and its other connections down.
        log.error("content server I/O loop error", e);
      } catch (IOException e) {
        log.error("content server selector failed", e);
      }
    }
    closeAll();
    try {
      selector.close();
    } catch (IOException e) {
      log.debug("closing selector", e);
    }
  }

  private static String imfNow() {
    return IMF_FIXDATE.format(ZonedDateTime.now(ZoneOffset.UTC));
  }
}

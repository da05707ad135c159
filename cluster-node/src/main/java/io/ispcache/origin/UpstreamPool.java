package io.ispcache.origin;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The keep-alive connections to one upstream destination: at most {@code maxConnections} open at
 * a time, and at most {@code maxWaiting} exchanges waiting for one, each for a bounded time. Every
 * field is touched on one event loop only, so nothing here locks. A connection is counted from its
 * connect until it closes, once, by its close listener; idle connections close after the idle
 * timeout, and a pool with none left is retired (its destination may have been a one-off).
 */
final class UpstreamPool {
  private final Upstreams.Destination destination;
  private final Bootstrap bootstrap;
  private final EventLoop loop;
  private final int maxConnections;
  private final int maxWaiting;
  private final long waitNanos;
  private final long idleNanos;
  private final ArrayDeque<Idle> idle = new ArrayDeque<>();
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
  private int open;
  private long lastUsed = System.nanoTime();
  private boolean retired;

  private record Idle(Channel channel, long since) {}

  private record Waiter(CompletableFuture<Lease> lease, ScheduledFuture<?> timeout) {}

  /** A connection taken from the pool; {@code reused}: it served an exchange before. */
  record Lease(Channel channel, boolean reused) {}

  UpstreamPool(
      Upstreams.Destination destination,
      Bootstrap bootstrap,
      EventLoop loop,
      int maxConnections,
      int maxWaiting,
      long waitNanos,
      long idleNanos) {
    this.destination = destination;
    this.bootstrap = bootstrap;
    this.loop = loop;
    this.maxConnections = maxConnections;
    this.maxWaiting = maxWaiting;
    this.waitNanos = waitNanos;
    this.idleNanos = idleNanos;
  }

  /**
   * A connection: an idle one, a new one, or the next one released; fails with an {@link
   * OriginException} when every connection stays busy for the wait time, too many wait already, or
   * the connect fails. Completes on the pool's event loop. Null when the pool was retired meanwhile
   * (the caller takes the destination's current pool).
   */
  CompletableFuture<Lease> acquire() {
    CompletableFuture<Lease> lease = new CompletableFuture<>();
    try {
      loop.execute(() -> acquireOnLoop(lease));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      lease.completeExceptionally(new OriginException(OriginException.Kind.UNREACHABLE, "the origin client is closed", e));
    }
    return lease;
  }

  private void acquireOnLoop(CompletableFuture<Lease> lease) {
    if (retired) {
      lease.complete(null);
      return;
    }
    lastUsed = System.nanoTime();
    Idle i;
    while ((i = idle.pollFirst()) != null) {
      if (i.channel().isActive()) {
        lease.complete(new Lease(i.channel(), true));
        return;
      }
    }
    if (open < maxConnections) {
      connect(lease);
      return;
    }
    if (waiting.size() >= maxWaiting) {
      lease.completeExceptionally(
          new OriginException(
              OriginException.Kind.TIMEOUT,
              "origin " + destination.origin() + ": " + maxWaiting + " fetches wait for a connection already"));
      return;
    }
    Waiter[] self = new Waiter[1];
    ScheduledFuture<?> timeout =
        loop.schedule(
            () -> {
              if (waiting.remove(self[0])) {
                lease.completeExceptionally(
                    new OriginException(
                        OriginException.Kind.TIMEOUT,
                        "origin " + destination.origin() + ": all " + maxConnections + " connections stayed busy"));
              }
            },
            waitNanos,
            TimeUnit.NANOSECONDS);
    self[0] = new Waiter(lease, timeout);
    waiting.addLast(self[0]);
  }

  private void connect(CompletableFuture<Lease> lease) {
    open++;
    ChannelFuture connected = bootstrap.connect(destination.connectTo());
    Channel channel = connected.channel();
    channel.closeFuture().addListener(f -> onLoop(() -> closed(channel)));
    connected.addListener(
        f -> {
          if (f.isSuccess()) {
            lease.complete(new Lease(channel, false));
            return;
          }
          lease.completeExceptionally(
              new OriginException(
                  OriginException.Kind.UNREACHABLE,
                  "origin " + destination.origin() + " unreachable: " + describe(f.cause()),
                  f.cause()));
          if (channel.isRegistered()) {
            channel.close(); // its close listener gives the slot back
          } else {
            // Never registered (no file descriptor left): it has no close to wait for.
            onLoop(() -> closed(channel));
          }
        });
  }

  /** Runs {@code task} on the pool's loop, unless the client is shutting down (nothing to count then). */
  private void onLoop(Runnable task) {
    if (!loop.isShuttingDown()) {
      try {
        loop.execute(task);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // shut down meanwhile
      }
    }
  }

  /** Gives a connection back: kept for the next exchange when {@code reusable}, else closed. */
  void release(Channel channel, boolean reusable) {
    if (!reusable) {
      channel.close(); // the close listener counts it and serves a waiter
      return;
    }
    onLoop(
        () -> {
          lastUsed = System.nanoTime();
          if (!channel.isActive()) {
            return; // closed meanwhile: its close listener does the rest
          }
          Waiter w = waiting.pollFirst();
          if (w != null) {
            w.timeout().cancel(false);
            if (!w.lease().complete(new Lease(channel, true))) {
              release(channel, true);
            }
            return;
          }
          if (retired) {
            channel.close();
            return;
          }
          idle.addFirst(new Idle(channel, System.nanoTime()));
        });
  }

  private void closed(Channel channel) {
    open--;
    idle.removeIf(i -> i.channel() == channel);
    Waiter w;
    while (open < maxConnections && (w = waiting.pollFirst()) != null) {
      w.timeout().cancel(false);
      if (!w.lease().isDone()) {
        connect(w.lease());
      }
    }
  }

  /**
   * Closes connections idle for longer than the idle timeout; retires the pool (true) when it has
   * no connection and nobody used it for that long. Runs on the pool's loop.
   */
  boolean prune() {
    long now = System.nanoTime();
    for (Iterator<Idle> it = idle.iterator(); it.hasNext(); ) {
      Idle i = it.next();
      if (now - i.since() >= idleNanos) {
        it.remove();
        i.channel().close();
      }
    }
    if (open == 0 && waiting.isEmpty() && now - lastUsed >= idleNanos) {
      retired = true;
    }
    return retired;
  }

  /** Closes every idle connection and retires the pool. Runs on the pool's loop. */
  void close() {
    retired = true;
    for (Idle i : idle) {
      i.channel().close();
    }
    idle.clear();
  }

  EventLoop loop() {
    return loop;
  }

  /** Connections open (idle, busy or connecting); read on the pool's loop. */
  int open() {
    return open;
  }

  int idleCount() {
    return idle.size();
  }

  private static String describe(Throwable e) {
    return e == null ? "connect failed" : e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}

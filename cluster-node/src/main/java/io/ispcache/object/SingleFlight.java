package io.ispcache.object;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Fetch once, many waiters: at most one call per key is in flight, and whoever asks for the key
 * meanwhile waits for that call's outcome instead of starting another (golang/groupcache's
 * {@code singleflight}). Outcomes are not kept: a call leaves its key before its waiters are woken,
 * so a waiter that asks again, or anyone after it, starts afresh; a failure is never cached.
 */
final class SingleFlight<K, V> {
  private final ConcurrentHashMap<K, CompletableFuture<V>> calls = new ConcurrentHashMap<>();
  private final Runnable joined;

  /** {@code joined} is told each time a caller waits for a call already in flight. */
  SingleFlight(Runnable joined) {
    this.joined = joined;
  }

  SingleFlight() {
    this(() -> {});
  }

  /**
   * The outcome of the call in flight under {@code key}, or of {@code call}, started now when none
   * is: {@code call} runs on this thread only while it holds the key (so what it checks first
   * cannot have been done by an earlier holder that has left meanwhile). Its failure, thrown or
   * completed with, reaches every waiter unwrapped from {@link CompletionException}.
   */
  CompletionStage<V> join(K key, Supplier<? extends CompletionStage<V>> call) {
    CompletableFuture<V> mine = new CompletableFuture<>();
    CompletableFuture<V> theirs = calls.putIfAbsent(key, mine);
    if (theirs != null) {
      joined.run();
      return theirs;
    }
    CompletionStage<V> outcome;
    try {
      outcome = call.get();
    } catch (RuntimeException e) {
      outcome = CompletableFuture.failedFuture(e);
    }
    outcome.whenComplete(
        (v, e) -> {
          // Leave the key before waking anyone: a woken waiter's next call must start afresh
          // rather than find this (possibly failed) one.
          calls.remove(key, mine);
          if (e != null) {
            mine.completeExceptionally(unwrap(e));
          } else {
            mine.complete(v);
          }
        });
    return mine;
  }

  /** The outcome of the call in flight under {@code key}, if one is; joining it is not counted. */
  Optional<CompletionStage<V>> inFlight(K key) {
    return Optional.ofNullable(calls.get(key));
  }

  /**
   * The call in flight under {@code key}, if any, is no longer joined: the next {@link #join}
   * starts another, while its waiters still get its outcome. For a call that finds, while it runs,
   * that it only follows another one.
   */
  void forget(K key) {
    calls.remove(key);
  }

  private static Throwable unwrap(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}

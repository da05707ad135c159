package io.ispcache.content;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Counts response bodies being streamed, so a graceful leave can wait until they are done. */
public final class InFlight {
  private int open;
  private CompletableFuture<Void> drained;

  synchronized void opened() {
    open++;
  }

  synchronized void closed() {
    open--;
    if (open == 0 && drained != null) {
      drained.complete(null);
      drained = null;
    }
  }

  public synchronized int count() {
    return open;
  }

  /** Completes when no body is being streamed (at once if none is). */
  public synchronized CompletionStage<Void> drained() {
    if (open == 0) {
      return CompletableFuture.completedFuture(null);
    }
    if (drained == null) {
      drained = new CompletableFuture<>();
    }
    return drained;
  }
}

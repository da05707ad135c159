package io.ispcache.concurrent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Turns the {@link CompletionStage}s that Akka's Java API returns into plain futures.
 *
 * <p>Akka converts its Scala futures into a {@code CompletableFuture} subclass whose non-async
 * methods ({@code thenApply}, {@code thenCompose}, {@code whenComplete}, ...) run on the JDK's
 * default async executor. With fewer than three cores that executor starts a new thread for every
 * task, so each continuation chained onto an ask or an HTTP client call cost a thread start:
 * thousands per second on a cold download. The plain future returned here completes on the thread
 * that completed Akka's future, and everything chained onto it runs there too.
 */
public final class Stages {
  private static final Executor SAME_THREAD = Runnable::run;

  private Stages() {}

  public static <T> CompletableFuture<T> plain(CompletionStage<T> akka) {
    return plain(akka, SAME_THREAD);
  }

  /**
   * The same, completed on {@code executor}: for stages that Akka may complete on a thread that
   * must not do the chained work, such as an ask's timeout, which fails on the scheduler's thread.
   */
  public static <T> CompletableFuture<T> plain(CompletionStage<T> akka, Executor executor) {
    CompletableFuture<T> plain = new CompletableFuture<>();
    akka.whenCompleteAsync(
        (value, error) -> {
          if (error != null) {
            plain.completeExceptionally(error);
          } else {
            plain.complete(value);
          }
        },
        executor);
    return plain;
  }
}

package io.ispcache.node;

import akka.actor.typed.ActorSystem;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Starts the admin plane on processes with the {@code admin} role. */
final class AdminPlaneStarter {
  private AdminPlaneStarter() {}

  static CompletionStage<?> start(ActorSystem<?> system) {
    return CompletableFuture.completedFuture(null);
  }
}

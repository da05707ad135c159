package io.ispcache.node;

import akka.actor.typed.ActorSystem;
import io.ispcache.api.AdminPlane;
import java.util.concurrent.CompletionStage;

/** Starts the admin plane on processes with the {@code admin} role. */
final class AdminPlaneStarter {
  private AdminPlaneStarter() {}

  static CompletionStage<?> start(ActorSystem<?> system) {
    return AdminPlane.start(system);
  }
}

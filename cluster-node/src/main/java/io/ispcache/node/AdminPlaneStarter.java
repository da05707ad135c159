package io.ispcache.node;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.ServerBinding;
import io.ispcache.api.AdminPlane;
import io.ispcache.content.PurgeKeys;
import io.ispcache.origin.OriginSettings;
import java.util.concurrent.CompletionStage;

/** Starts the admin plane on processes with the {@code admin} role. */
final class AdminPlaneStarter {
  private AdminPlaneStarter() {}

  /** Purges are mapped to cache keys by this process's origin allowlist, the one cache nodes share. */
  static CompletionStage<ServerBinding> start(ActorSystem<?> system, OriginSettings origins) {
    return AdminPlane.start(system, new PurgeKeys(origins));
  }
}

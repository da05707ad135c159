package io.ispcache.api;

import static akka.http.javadsl.server.Directives.concat;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.ClusterSingletonSettings;
import akka.cluster.typed.SingletonActor;
import akka.http.javadsl.ConnectionContext;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBuilder;
import akka.http.javadsl.ServerBinding;
import io.ispcache.jdbc.RegistryDatabase;
import io.ispcache.portal.PortalRoutes;
import io.ispcache.purge.PurgeFeed;
import io.ispcache.registry.IpSpaceCeiling;
import io.ispcache.registry.Registry;
import io.ispcache.report.HealthBoard;
import io.ispcache.report.HealthSync;
import io.ispcache.report.HeartbeatTable;
import io.ispcache.report.Telemetry;
import io.ispcache.report.TelemetrySettings;
import io.ispcache.report.TelemetryTable;
import io.ispcache.routing.RoutingTables;
import io.ispcache.routing.RoutingUpdate;
import io.ispcache.settings.Pkcs12;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the admin plane on a process with the {@code admin} role: tables, registry singleton, API and portal. */
public final class AdminPlane {
  private static final Logger log = LoggerFactory.getLogger(AdminPlane.class);

  static final String BLOCKING_DISPATCHER = "ispcache.admin-blocking-dispatcher";

  private AdminPlane() {}

  /**
   * @param purgeTargets the cache nodes' key rules, which purge requests are mapped by
   */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, PurgeTargets purgeTargets) {
    return start(system, purgeTargets, Clock.systemUTC());
  }

  /** With the clock heartbeats and reports are timed by (tests move it to close a minute). */
  static CompletionStage<ServerBinding> start(ActorSystem<?> system, PurgeTargets purgeTargets, Clock clock) {
    AdminSettings configured = AdminSettings.fromConfig(system.settings().config());
    TelemetrySettings telemetrySettings = TelemetrySettings.fromConfig(system.settings().config());
    AdminSettings settings;
    try {
      settings = withOperatorKey(configured);
      RegistryDatabase.fromConfig(system.settings().config()).createTablesIfAbsent();
    } catch (IOException | SQLException e) {
      return CompletableFuture.failedFuture(new IllegalStateException("admin plane cannot start: " + e.getMessage(), e));
    }
    ActorRef<RoutingTables.PublisherCommand> publisher =
        system.systemActorOf(RoutingTables.publisher(Duration.ofSeconds(10)), "routing-publisher", Props.empty());
    AtomicLong sequence = new AtomicLong();
    boolean allowPrivate = settings.allowPrivateServerIps();
    ActorRef<Registry.Command> registry =
        ClusterSingleton.get(system)
            .init(
                SingletonActor.of(
                        Registry.create(
                            state -> publisher.tell(new RoutingTables.Publish(
                                // Versions increase across singleton moves: wall clock first, then order.
                                RoutingUpdate.of(state, System.currentTimeMillis() * 1000 + sequence.incrementAndGet() % 1000))),
                            allowPrivate,
                            IpSpaceCeiling.fromConfig(system.settings().config())),
                        "registry")
                    .withSettings(ClusterSingletonSettings.create(system).withRole("admin")));
    CompletableFuture<Void> firstTable = new CompletableFuture<>();
    RoutingTables.View routing = RoutingTables.subscribe(system, firstTable);
    ActorRef<PurgeFeed.Command> purgeFeed = system.systemActorOf(PurgeFeed.create(registry), "purge-feed", Props.empty());
    HealthBoard health = new HealthBoard(settings.heartbeatTimeout(), clock);
    HeartbeatTable heartbeats = new HeartbeatTable(RegistryDatabase.fromConfig(system.settings().config()));
    Telemetry telemetry = Telemetry.start(system, new TelemetryTable(RegistryDatabase.fromConfig(system.settings().config())),
        telemetrySettings, settings.heartbeatSaveInterval(), BLOCKING_DISPATCHER, clock);
    // The API answers once it steers as before a restart: the stored heartbeats are on the board and
    // the registry's routing table has arrived (bounded: a registry that cannot answer yet must not
    // keep the API down; steering then answers useCdn until the table comes).
    CompletionStage<HealthSync> synced = HealthSync.start(system, health, heartbeats, settings.heartbeatSaveInterval(), BLOCKING_DISPATCHER);
    CompletableFuture<Void> routed = firstTable.completeOnTimeout(null, settings.firstTableWait().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .thenRun(() -> {
          if (routing.current().version() == 0) {
            log.warn("no routing table from the registry within {}s: the API starts, and steering answers useCdn until one arrives", settings.firstTableWait().toSeconds());
          }
        });
    ServerBuilder server = Http.get(system).newServerAt(settings.iface(), settings.port());
    ServerBuilder listening = settings.https().map(tls -> server.enableHttps(ConnectionContext.httpsServer(() -> Pkcs12.serverEngine(tls)))).orElse(server);
    String scheme = settings.https().isPresent() ? "https" : "http";
    SteeringEndpoint steering = new SteeringEndpoint(new Steering(health, settings.contentPort()), routing);
    return synced.thenCombine(routed, (sync, ignored) -> sync).thenCompose(sync -> listening
        .bind(steering.before(concat(new PortalRoutes().route(),
            new AdminRoutes(new RegistryClient(registry, system, settings.askTimeout()), settings, health, sync, routing,
                new ClusterOperations(system, settings.memberAskTimeout()), purgeTargets, purgeFeed, telemetry).route()).handler(system))))
        .thenApply(
            b -> {
              log.info("admin API and portal listening on {}://{}", scheme, b.localAddress());
              return b.addToCoordinatedShutdown(Duration.ofSeconds(10), system);
            });
  }

  /** The configured operator key, or one generated once and kept (owner-only) in the data directory. */
  private static AdminSettings withOperatorKey(AdminSettings s) throws IOException {
    if (!s.operatorKey().isEmpty()) {
      return s;
    }
    String key;
    if (Files.exists(s.operatorKeyFile())) {
      key = Files.readString(s.operatorKeyFile()).strip();
    } else {
      Files.createDirectories(s.operatorKeyFile().getParent());
      key = Keys.generate();
      Files.writeString(s.operatorKeyFile(), key + "\n");
      try {
        Files.setPosixFilePermissions(s.operatorKeyFile(), PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system
      }
      log.warn("no ispcache.admin.operator-key configured: generated one in {}", s.operatorKeyFile());
    }
    return new AdminSettings(
        s.iface(), s.port(), key, s.operatorKeyFile(), s.allowPrivateServerIps(), s.heartbeatTimeout(), s.askTimeout(), s.contentPort(), s.maxBodyBytes(),
        s.maxBodyDrainBytes(), s.bodyDrainTime(), s.heartbeatSaveInterval(), s.firstTableWait(), s.memberAskTimeout(), s.https());
  }
}

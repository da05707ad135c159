package io.ispcache.node;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import com.typesafe.config.Config;
import io.ispcache.agent.AgentSettings;
import io.ispcache.agent.NodeAgent;
import io.ispcache.agent.NodeFigures;
import io.ispcache.agent.PurgeFollower;
import io.ispcache.agent.PurgeSettings;
import io.ispcache.content.ClientAcl;
import io.ispcache.content.ContentRoutes;
import io.ispcache.content.ContentService;
import io.ispcache.content.ContentSettings;
import io.ispcache.content.ContentTarget;
import io.ispcache.content.server.ContentServer;
import io.ispcache.metrics.JvmMeters;
import io.ispcache.metrics.NodeMetrics;
import io.ispcache.object.ChunkIndex;
import io.ispcache.object.ChunkSupply;
import io.ispcache.object.ContentObject;
import io.ispcache.object.EntityAsks;
import io.ispcache.object.Invalidations;
import io.ispcache.object.ObjectAddress;
import io.ispcache.object.PeerDirectory;
import io.ispcache.origin.OriginClient;
import io.ispcache.origin.OriginSettings;
import io.ispcache.peer.HeldChunks;
import io.ispcache.peer.PeerClient;
import io.ispcache.peer.PeerNode;
import io.ispcache.peer.PeerRoutes;
import io.ispcache.peer.PeerSettings;
import io.ispcache.peer.PeerTimeouts;
import io.ispcache.store.ChunkStore;
import io.ispcache.store.ObjectMeta;
import io.ispcache.store.StoreSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ispcache process: an Akka Cluster member that, by its roles, serves content ({@code cache})
 * and the admin plane ({@code admin}), and always the health port.
 */
public final class CacheNode {
  private static final Logger log = LoggerFactory.getLogger(CacheNode.class);

  private final ActorSystem<Void> system;
  private final Optional<ContentServer> content;
  private final ServerBinding health;
  private final Optional<ServerBinding> admin;
  private final Optional<ServerBinding> peer;

  private CacheNode(
      ActorSystem<Void> system, Optional<ContentServer> content, ServerBinding health, Optional<ServerBinding> admin, Optional<ServerBinding> peer) {
    this.system = system;
    this.content = content;
    this.health = health;
    this.admin = admin;
    this.peer = peer;
  }

  /** Reads every setting of the cache role as {@link #start} does, throwing {@link io.ispcache.settings.InvalidSettingException} on the first bad one. */
  public static void checkSettings(Config config) {
    ContentSettings.fromConfig(config);
    HealthSettings.fromConfig(config);
    OriginSettings.fromConfig(config);
    io.ispcache.freshness.FreshnessSettings.fromConfig(config);
    ObjectSettings.fromConfig(config);
    StoreSettings.fromConfig(config);
    PeerSettings.fromConfig(config);
    PeerTimeouts.fromConfig(config);
    AgentSettings.fromConfig(config);
    PurgeSettings.fromConfig(config);
  }

  /**
   * Validates every setting (throwing {@link io.ispcache.settings.InvalidSettingException} before
   * anything starts), then starts the process's parts.
   */
  public static CompletionStage<CacheNode> start(Config config) {
    ContentSettings contentSettings = ContentSettings.fromConfig(config);
    HealthSettings healthSettings = HealthSettings.fromConfig(config);
    OriginSettings originSettings = OriginSettings.fromConfig(config);
    io.ispcache.freshness.FreshnessSettings freshnessSettings = io.ispcache.freshness.FreshnessSettings.fromConfig(config);
    ObjectSettings objectSettings = ObjectSettings.fromConfig(config);
    StoreSettings storeSettings = StoreSettings.fromConfig(config);
    PeerSettings peerSettings = PeerSettings.fromConfig(config);
    PeerTimeouts peerTimeouts = PeerTimeouts.fromConfig(config);
    Optional<AgentSettings> agentSettings = AgentSettings.fromConfig(config);
    PurgeSettings purgeSettings = PurgeSettings.fromConfig(config);

    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "ispcache", withDrainPhase(config, contentSettings));
    try {
      Cluster cluster = Cluster.get(system);
      if (config.getStringList("akka.cluster.seed-nodes").isEmpty()
          && !config.getBoolean("ispcache.cluster.bootstrap")) {
        // A single-node install forms a cluster of itself.
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
      }
      if (config.getBoolean("ispcache.cluster.management")) {
        // Cluster membership over HTTP (list, leave, down) for operators and tooling.
        akka.management.javadsl.AkkaManagement.get(system.classicSystem()).start();
      }
      if (config.getBoolean("ispcache.cluster.bootstrap")) {
        akka.management.cluster.bootstrap.ClusterBootstrap.get(system.classicSystem()).start();
      }
      NodeMetrics metrics = new NodeMetrics();
      JvmMeters jvm = JvmMeters.bind(metrics.registry());
      CoordinatedShutdown.get(system)
          .addTask(
              CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
              "close-jvm-meters",
              () -> {
                jvm.close();
                return CompletableFuture.completedFuture(akka.Done.getInstance());
              });
      boolean cacheRole = cluster.selfMember().hasRole("cache");
      Executor blockingIo =
          system.dispatchers().lookup(DispatcherSelector.fromConfig("ispcache.blocking-io-dispatcher"));
      Optional<ChunkStore> store = Optional.empty();
      if (cacheRole) {
        long started = System.nanoTime();
        store = Optional.of(ChunkStore.open(storeSettings, originSettings.largestMaxObjectSize(), blockingIo));
        log.info(
            "cache store opened in {} ms: {}",
            Duration.ofNanos(System.nanoTime() - started).toMillis(),
            store.get().stats());
        ChunkStore opened = store.get();
        StoreMeters.bind(metrics.registry(), opened);
        CoordinatedShutdown.get(system)
            .addTask(
                CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
                "close-chunk-store",
                () -> {
                  opened.close();
                  return CompletableFuture.completedFuture(akka.Done.getInstance());
                });
      }
      NodeStatus status = new NodeStatus(system, metrics, store);
      // Every member answers the admin API's membership view for itself (admin processes ask); its
      // shard region's figures must come within half of the admin's wait to be in the answer.
      system.systemActorOf(
          MemberHealthAnswerer.create(status, cacheRole, config.getDuration("ispcache.admin.member-ask-timeout").dividedBy(2)),
          "member-health",
          akka.actor.typed.Props.empty());
      Http http = Http.get(system);
      // The health port answers through a leave's drain (503, with the downloads in flight) so that
      // load balancers and monitoring see the node leaving rather than a port that vanished.
      CompletionStage<ServerBinding> healthBinding =
          http.newServerAt(healthSettings.iface(), healthSettings.port())
              .bind(new HealthRoutes(status).route())
              .thenApply(
                  b -> {
                    CoordinatedShutdown.get(system)
                        .addTask(
                            CoordinatedShutdown.PhaseServiceStop(),
                            "stop-health",
                            () -> b.terminate(Duration.ofSeconds(5)).thenApply(t -> akka.Done.getInstance()));
                    return b;
                  });
      CompletionStage<Optional<ContentServer>> contentBinding;
      final Optional<ServerBinding> peer;
      if (cacheRole) {
        ChunkStore opened = store.get();
        StoreMeters.bind(metrics.registry(), opened);
        // The transfer port answers from the supply, which is built once the port is known.
        CompletableFuture<ChunkSupply> supplyRef = new CompletableFuture<>();
        ServerBinding peerBinding =
            http.newServerAt(peerSettings.iface(), peerSettings.port())
                .bind(
                    new PeerRoutes(
                            opened,
                            new HeldChunks() {
                              @Override
                              public CompletionStage<Optional<ObjectMeta>> await(String key, String version, long index) {
                                return supplyRef.thenCompose(s -> s.held(key, version, index));
                              }

                              @Override
                              public CompletionStage<Optional<ObjectMeta>> fill(String key, long index, String host, String pathAndQuery) {
                                Optional<ObjectAddress> address =
                                    ContentTarget.forPeer(originSettings, host, pathAndQuery).filter(a -> a.key().equals(key));
                                return address.isEmpty()
                                    ? CompletableFuture.completedFuture(Optional.empty())
                                    : supplyRef.thenCompose(s -> s.fillForPeer(address.get(), index));
                              }
                            },
                            metrics,
                            peerSettings.secret())
                        .route())
                .toCompletableFuture()
                .join();
        peer = Optional.of(peerBinding);
        // Peers may still be pulling chunks from this node while its own clients drain.
        CoordinatedShutdown.get(system)
            .addTask(
                CoordinatedShutdown.PhaseServiceStop(),
                "stop-peer-transfer",
                () -> peerBinding.terminate(Duration.ofSeconds(5)).thenApply(t -> akka.Done.getInstance()));
        String selfNode =
            new PeerNode(
                    cluster.selfMember().address().toString(),
                    peerSettings.advertisedHost(),
                    peerBinding.localAddress().getPort())
                .id();
        ContentObject.init(system, objectSettings.leaseTimeout());
        OriginClient origins = new OriginClient(system, originSettings, blockingIo);
        metrics.upstream(origins.figures());
        PeerClient peers = new PeerClient(system, peerTimeouts, peerSettings.secret());
        akka.actor.typed.ActorRef<Invalidations.Command> invalidations =
            system.systemActorOf(Invalidations.create(opened, metrics, selfNode, blockingIo), "invalidations", akka.actor.typed.Props.empty());
        ChunkSupply supply =
            new ChunkSupply(
                system,
                opened,
                origins,
                metrics,
                peers,
                selfNode,
                EntityAsks.watching(
                    system, objectSettings.askTimeout(), objectSettings.askTimeoutAnswering(), objectSettings.askTimeoutAfterMemberLoss()),
                PeerDirectory.start(system, selfNode),
                objectSettings.readAheadChunks(),
                blockingIo,
                invalidations);
        supplyRef.complete(supply);
        system.systemActorOf(ChunkIndex.create(opened, selfNode), "chunk-index", akka.actor.typed.Props.empty());
        system.systemActorOf(
            PurgeFollower.create(opened, supply::purgeAnswers, purgeSettings, metrics, selfNode, blockingIo), "purge-follower", akka.actor.typed.Props.empty());
        ClientAcl acl = ClientAcl.open();
        if (contentSettings.clientAcl()) {
          String nodeId =
              agentSettings
                  .map(AgentSettings::cacheNodeId)
                  .orElseThrow(
                      () -> new io.ispcache.settings.InvalidSettingException(
                          "ispcache.content.client-acl", true, "needs the node agent (ispcache.agent.*) to know this node's id"));
          acl = ClientAcl.of(io.ispcache.routing.RoutingTables.subscribe(system), nodeId);
        }
        ContentService service = new ContentService(
                originSettings, contentSettings, freshnessSettings, supply, metrics, acl);
        ContentServer server;
        try {
          server =
              ContentServer.bind(
                  contentSettings.iface(),
                  contentSettings.port(),
                  new ContentRoutes(service),
                  akka.stream.Materializer.matFromSystem(system),
                  new ContentServer.Limits(
                      contentSettings.idleTimeout(),
                      contentSettings.requestTimeout(),
                      contentSettings.maxConnections(),
                      "ispcache",
                      contentSettings.maxRequestBody(),
                      contentSettings.maxConnectionsPerClient()));
        } catch (IOException e) {
          throw new UncheckedIOException(
              "cannot listen on " + contentSettings.iface() + ":" + contentSettings.port() + " (ispcache.content): " + e.getMessage(), e);
        }
        ContentServer listening = server;
        metrics.contentPort(
            new NodeMetrics.ContentPort() {
              @Override
              public int openConnections() {
                return listening.connections();
              }

              @Override
              public long refusedConnections() {
                return listening.refusedConnections();
              }

              @Override
              public long acceptPauses() {
                return listening.acceptPauses();
              }
            });
        status.contentServing.set(true);
        log.info("content server listening on {}, peer transfer on {}", server.localAddress(), peerBinding.localAddress());
        drainOnLeave(system, server, service, supply, status, contentSettings.drainTime());
        contentBinding = CompletableFuture.completedFuture(Optional.of(server));
      } else {
        contentBinding = CompletableFuture.completedFuture(Optional.empty());
        peer = Optional.empty();
      }
      CompletionStage<Optional<ServerBinding>> admin =
          cluster.selfMember().hasRole("admin")
              ? AdminPlaneStarter.start(system, originSettings).thenApply(Optional::of)
              : CompletableFuture.completedFuture(Optional.empty());
      CompletionStage<?> activated = CompletableFuture.completedFuture(null);
      if (agentSettings.isPresent() && cacheRole) {
        NodeAgent agent = new NodeAgent(agentSettings.get(), () -> figures(status));
        // Admin and cache may share this process: activate once the admin API is up.
        activated =
            admin.thenCompose(a -> agent.activate())
                .thenApply(
                    view -> {
                      log.info("activated with the registry as cache node {} ({})", view.path("name").asText(), view.path("ipSpaceStatus").asText());
                      agent.startHeartbeats();
                      CoordinatedShutdown.get(system)
                          .addTask(
                              CoordinatedShutdown.PhaseBeforeServiceUnbind(),
                              "stop-node-agent",
                              () -> {
                                agent.close();
                                return CompletableFuture.completedFuture(akka.Done.getInstance());
                              });
                      return view;
                    });
      }
      CompletionStage<?> ready = activated;
      return contentBinding
          .thenCombine(admin, (c, a) -> (java.util.function.Function<ServerBinding, CacheNode>) h -> new CacheNode(system, c, h, a, peer))
          .thenCombine(healthBinding, (make, h) -> make.apply(h))
          .thenCombine(ready, (node, a) -> node)
          .whenComplete(
              (node, e) -> {
                if (e != null) {
                  system.terminate();
                }
              });
    } catch (IOException e) {
      system.terminate();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      system.terminate();
      throw e;
    }
  }

  /**
   * How long responses cut at their next chunk boundary (a leave's drain time is over) have to get
   * there before their connections are closed wherever they are: a 2 MiB chunk at 1 Mbit/s.
   */
  static final Duration CUT_GRACE = Duration.ofSeconds(20);

  /**
   * The coordinated shutdown phase that drains downloads lasts as long as the drain time says,
   * plus the cut and a margin, whatever the Akka default: {@code ispcache.content.drain-time} is the
   * operator's one setting for it.
   */
  static Config withDrainPhase(Config config, ContentSettings content) {
    Duration phase = content.drainTime().plus(CUT_GRACE).plusSeconds(10);
    return com.typesafe.config.ConfigFactory.parseString(
            "akka.coordinated-shutdown.phases.service-requests-done.timeout = " + phase.toMillis() + "ms")
        .withFallback(config);
  }

  /**
   * A graceful leave (SIGTERM, or the cluster's leave: both run coordinated shutdown, whose
   * service phases come before the shard region hands its shards off and the member leaves):
   * new connections are refused and /health answers 503 at once, requests on connections kept
   * open are answered 503 with Retry-After, nothing is read ahead any more, and the downloads in
   * flight go on for up to {@code drainTime}; then they are cut at their next chunk boundary and
   * the node leaves.
   */
  private static void drainOnLeave(
      ActorSystem<?> system, ContentServer server, ContentService service, ChunkSupply supply, NodeStatus status, Duration drainTime) {
    CoordinatedShutdown cs = CoordinatedShutdown.get(system);
    cs.addTask(
        CoordinatedShutdown.PhaseBeforeServiceUnbind(),
        "leave-content",
        () -> {
          supply.leave();
          status.leaving.set(() -> service.inFlight().count());
          status.contentServing.set(false);
          return CompletableFuture.completedFuture(akka.Done.getInstance());
        });
    cs.addTask(
        CoordinatedShutdown.PhaseServiceUnbind(),
        "unbind-content",
        () -> {
          log.info(
              "leaving: content port closed, {} downloads in flight may go on for up to {} s (ispcache.content.drain-time)",
              service.inFlight().count(), drainTime.toSeconds());
          return server.unbind().thenApply(d -> {
            server.closeIdle();
            return akka.Done.getInstance();
          });
        });
    cs.addTask(
        CoordinatedShutdown.PhaseServiceRequestsDone(),
        "drain-content",
        () -> {
          CompletableFuture<Boolean> drained = service.inFlight().drained().thenApply(d -> true).toCompletableFuture()
              .completeOnTimeout(false, drainTime.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
          return drained.thenCompose(
                  all -> {
                    if (!all) {
                      log.warn(
                          "leaving: drain time ({} s) over, cutting {} downloads at their next chunk boundary",
                          drainTime.toSeconds(), service.inFlight().count());
                      service.cutAtChunkBoundaries();
                      server.cutAtPartBoundaries();
                    } else {
                      log.info("leaving: every download in flight finished");
                    }
                    return server.terminate(all ? Duration.ofSeconds(5) : CUT_GRACE);
                  })
              .thenApply(t -> akka.Done.getInstance());
        });
  }

  private static NodeFigures figures(NodeStatus status) {
    NodeStatus.Summary s = status.summary();
    return new NodeFigures(
        status.health().healthy(), s.hitBytes(), s.missBytes(), s.egressBytes(), s.requests(), s.diskUsedBytes(), s.diskCapacityBytes(),
        s.peerBytes(), s.originBytes(), s.hitRequests(), status.metrics().totals().errorResponses());
  }

  /** Completes when this process is an Up member of the cluster. */
  public CompletionStage<akka.Done> memberUp() {
    CompletableFuture<akka.Done> up = new CompletableFuture<>();
    akka.cluster.Cluster.get(system.classicSystem())
        .registerOnMemberUp(() -> up.complete(akka.Done.getInstance()));
    return up;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  /** The bound content port (for tests that bind port 0). */
  public int contentPort() {
    return content.orElseThrow().localAddress().getPort();
  }

  /** The bound admin API port (for tests that bind port 0). */
  public int adminPort() {
    return admin.orElseThrow().localAddress().getPort();
  }

  /** The bound peer transfer port (for tests that bind port 0). */
  public int peerPort() {
    return peer.orElseThrow().localAddress().getPort();
  }

  public int healthPort() {
    return health.localAddress().getPort();
  }

  /** Runs coordinated shutdown: unbind, let responses finish, close the store. */
  public CompletionStage<akka.Done> shutdown() {
    system.terminate();
    return system.getWhenTerminated();
  }
}

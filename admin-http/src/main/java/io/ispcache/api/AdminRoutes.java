package io.ispcache.api;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.completeWithFuture;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.delete;
import static akka.http.javadsl.server.Directives.entity;
import static akka.http.javadsl.server.Directives.extractRequest;
import static akka.http.javadsl.server.Directives.extractMaterializer;
import static akka.http.javadsl.server.Directives.extractRequestEntity;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.handleExceptions;
import static akka.http.javadsl.server.Directives.handleRejections;
import static akka.http.javadsl.server.Directives.onComplete;
import static akka.http.javadsl.server.Directives.parameterOptional;
import static akka.http.javadsl.server.Directives.patch;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.pathEnd;
import static akka.http.javadsl.server.Directives.pathPrefix;
import static akka.http.javadsl.server.Directives.post;
import static akka.http.javadsl.server.Directives.withSizeLimit;
import static akka.http.javadsl.server.PathMatchers.segment;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.Location;
import akka.http.javadsl.server.ExceptionHandler;
import akka.http.javadsl.server.RejectionHandler;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import akka.stream.javadsl.Sink;
import io.ispcache.purge.PurgeFeed;
import io.ispcache.registry.CacheNode;
import io.ispcache.registry.Customer;
import io.ispcache.registry.DeletedNode;
import io.ispcache.registry.IpSpaceStatus;
import io.ispcache.registry.Purge;
import io.ispcache.registry.Registry;
import io.ispcache.registry.RegistryState;
import io.ispcache.registry.Resource;
import io.ispcache.report.Figures;
import io.ispcache.report.HealthBoard;
import io.ispcache.report.HealthSync;
import io.ispcache.report.ReportRange;
import io.ispcache.report.Sample;
import io.ispcache.report.Telemetry;
import io.ispcache.routing.RoutingTables;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The admin REST API ({@code /api/v1}); every error is RFC 9457 problem details. */
final class AdminRoutes {
  private static final Logger log = LoggerFactory.getLogger(AdminRoutes.class);

  private final RegistryClient registry;
  private final AdminSettings settings;
  private final HealthBoard health;
  private final HealthSync healthSync;
  private final RoutingTables.View routing;
  private final Steering steering;
  private final ClusterOperations cluster;
  private final PurgeTargets purgeTargets;
  private final ActorRef<PurgeFeed.Command> purgeFeed;
  private final Telemetry telemetry;
  private final TrafficReports reports;

  AdminRoutes(
      RegistryClient registry,
      AdminSettings settings,
      HealthBoard health,
      HealthSync healthSync,
      RoutingTables.View routing,
      ClusterOperations cluster,
      PurgeTargets purgeTargets,
      ActorRef<PurgeFeed.Command> purgeFeed,
      Telemetry telemetry) {
    this.telemetry = telemetry;
    this.reports = new TrafficReports(registry, health, telemetry);
    this.cluster = cluster;
    this.purgeTargets = purgeTargets;
    this.purgeFeed = purgeFeed;
    this.registry = registry;
    this.settings = settings;
    this.health = health;
    this.healthSync = healthSync;
    this.routing = routing;
    this.steering = new Steering(health, settings.contentPort());
  }

  Route route() {
    ExceptionHandler errors =
        ExceptionHandler.newBuilder()
            .match(ApiException.class, e -> complete(Problems.of(e.status, e.getMessage(), e.field)))
            .matchAny(
                e -> {
                  log.error("admin API failure", e);
                  return complete(Problems.of(500, "the admin API failed to answer", null));
                })
            .build();
    RejectionHandler rejections =
        RejectionHandler.newBuilder()
            .handleNotFound(complete(Problems.of(404, "no such endpoint", null)))
            .handleAll(
                akka.http.javadsl.server.MethodRejection.class,
                r -> complete(Problems.of(405, "method not allowed here", null)))
            .handleAll(
                akka.http.javadsl.server.MissingQueryParamRejection.class,
                r -> complete(Problems.of(400, "query parameter '" + r.get(0).parameterName() + "' is required", r.get(0).parameterName())))
            .build()
            .withFallback(RejectionHandler.defaultHandler())
            .mapRejectionResponse(
                response ->
                    response.entity().getContentType().equals(Problems.PROBLEM_JSON)
                        ? response
                        : Problems.of(response.status().intValue(), "the request was refused: " + response.status().reason(), null));
    return handleExceptions(
        errors,
        () ->
            handleRejections(
                rejections,
                () ->
                    withSizeLimit(
                        settings.maxBodyBytes(),
                        () -> refusingOversizedBodies(() -> pathPrefix("api", () -> pathPrefix("v1", this::v1))))));
  }

  /**
   * A body declared larger than the limit is refused with 413 once it has been read and discarded
   * (up to {@code max-body-drain}, within {@code body-drain-time}): closing the connection with
   * request bytes unread would make the server's TCP stack reset it, and a client still sending
   * would see the reset rather than the 413 (RFC 9112 §9.6 asks servers to close in stages for
   * this reason). A larger body is refused at once; its client may see a reset, as §9.6 allows.
   */
  private Route refusingOversizedBodies(java.util.function.Supplier<Route> inner) {
    return extractRequestEntity(entity -> {
      java.util.OptionalLong declared = entity.getContentLengthOption();
      if (declared.isEmpty() || declared.getAsLong() <= settings.maxBodyBytes()) {
        return inner.get();
      }
      Route refused = complete(Problems.of(413, "the request body is larger than " + settings.maxBodyBytes() + " bytes", null));
      if (declared.getAsLong() > settings.maxBodyDrainBytes()) {
        return refused;
      }
      return extractMaterializer(materializer -> onComplete(
          entity.withoutSizeLimit().getDataBytes().completionTimeout(settings.bodyDrainTime()).runWith(Sink.ignore(), materializer),
          drained -> refused));
    });
  }

  private Route v1() {
    return concat(
        pathPrefix("steer", this::steer),
        pathPrefix("agent", this::agent),
        extractRequest(request -> concat(
            path("me", () -> get(() -> answer(request, this::me))),
            path("customers", () -> concat(
                get(() -> answer(request, c -> customers(c))),
                post(() -> body(ApiTypes.NewCustomer.class, b -> created(request, c -> createCustomer(c, b)))))),
            pathPrefix("customers", () -> pathPrefix(segment(), id -> path("keys", () ->
                post(() -> created(request, c -> issueKey(c, id)))))),
            path(segment("keys").slash("rotate"), () -> post(() -> answer(request, this::rotateOwnKey))),
            path("resources", () -> concat(
                get(() -> answer(request, this::resources)),
                post(() -> body(ApiTypes.NewResource.class, b -> created(request, c -> createResource(c, b)))))),
            path("nodes", () -> concat(
                get(() -> answer(request, this::nodes)),
                post(() -> body(ApiTypes.NewNode.class, b -> created(request, c -> createNode(c, b)))))),
            pathPrefix("nodes", () -> pathPrefix(segment(), id -> concat(
                pathEnd(() -> concat(
                    get(() -> answer(request, c -> node(c, id))),
                    patch(() -> body(ApiTypes.NodeEdit.class, b -> answer(request, c -> editNode(c, id, b)))),
                    delete(() -> noContent(request, c -> deleteNode(c, id))))),
                path("keys", () -> post(() -> answer(request, c -> rotateNodeKey(c, id)))),
                path("history", () -> get(() -> answer(request, c -> history(c, id))))))),
            path("review", () -> get(() -> answer(request, this::reviewQueue))),
            pathPrefix("review", () -> pathPrefix(segment(), id -> concat(
                path("approve", () -> post(() -> answer(request, c -> review(c, id, true, null)))),
                path("reject", () -> post(() -> body(ApiTypes.Rejection.class, b -> answer(request, c -> review(c, id, false, b.reason())))))))),
            path(segment("report").slash("summary"), () -> get(() -> answer(request, this::summary))),
            pathPrefix(segment("report").slash("traffic"), () -> concat(
                pathEnd(() -> get(() -> traffic(request, (c, r) -> reports.report(c, TrafficReports.Kind.ALL, null, r)))),
                path("nodes", () -> get(() -> traffic(request, reports::nodes))),
                path(segment("nodes").slash(segment()), id -> get(() -> traffic(request, (c, r) -> reports.report(c, TrafficReports.Kind.NODE, id, r)))),
                path(segment("resources").slash(segment()), id -> get(() -> traffic(request, (c, r) -> reports.report(c, TrafficReports.Kind.RESOURCE, id, r)))),
                path(segment("customers").slash(segment()), id -> get(() -> traffic(request, (c, r) -> reports.report(c, TrafficReports.Kind.CUSTOMER, id, r)))))),
            path("purges", () -> concat(
                get(() -> parameterOptional("after", after -> parameterOptional("limit", limit ->
                    answer(request, c -> purges(c, after, limit))))),
                post(() -> body(ApiTypes.NewPurge.class, b -> created(request, c -> purge(c, b)))))),
            path(segment("cluster").slash("members"), () -> get(() -> answer(request, c -> {
              c.requireOperator();
              return cluster.members();
            }))),
            path(segment("cluster").slash("members").slash("leave"), () -> post(() -> body(ApiTypes.MemberAddress.class, b -> answer(request, c -> {
              c.requireOperator();
              cluster.leave(b.address());
              return CompletableFuture.completedFuture(Map.of("leaving", b.address()));
            })))),
            path(segment("cluster").slash("members").slash("down"), () -> post(() -> body(ApiTypes.MemberAddress.class, b -> answer(request, c -> {
              c.requireOperator();
              cluster.down(b.address());
              return CompletableFuture.completedFuture(Map.of("downed", b.address()));
            })))))));
  }

  // --- plumbing -------------------------------------------------------------------------------

  /** A JSON body: declared application/json (any charset parameter), else 415 before it is read. */
  private <T> Route body(Class<T> type, Function<T, Route> inner) {
    return extractRequestEntity(e -> e.getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)
        ? entity(Unmarshaller.entityToString(), raw -> inner.apply(Json.read(raw, type)))
        : complete(Problems.of(415, "the request body must be sent as Content-Type: application/json", null)));
  }

  private Route answer(HttpRequest request, Function<Caller, CompletionStage<?>> action) {
    return completeWithFuture(authenticated(request).thenCompose(c -> action.apply(c).thenApply(v -> (Object) v)).thenApply(v -> json(200, v)).exceptionally(AdminRoutes::problem));
  }

  private Route created(HttpRequest request, Function<Caller, CompletionStage<?>> action) {
    return completeWithFuture(authenticated(request).thenCompose(c -> action.apply(c).thenApply(v -> (Object) v)).thenApply(v -> json(201, v)).exceptionally(AdminRoutes::problem));
  }

  private Route noContent(HttpRequest request, Function<Caller, CompletionStage<?>> action) {
    return completeWithFuture(
        authenticated(request).thenCompose(c -> action.apply(c).thenApply(v -> (Object) v)).thenApply(v -> HttpResponse.create().withStatus(StatusCodes.NO_CONTENT)).exceptionally(AdminRoutes::problem));
  }

  static HttpResponse json(int status, Object value) {
    return HttpResponse.create().withStatus(StatusCodes.get(status)).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, Json.bytes(value)));
  }

  static HttpResponse problem(Throwable t) {
    Throwable e = t;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof ApiException a) {
      return Problems.of(a.status, a.getMessage(), a.field);
    }
    if (e instanceof java.util.concurrent.TimeoutException || e instanceof akka.pattern.AskTimeoutException) {
      return Problems.of(503, "the registry did not answer in time; retry", null);
    }
    log.error("admin API failure", e);
    return Problems.of(500, "the admin API failed to answer", null);
  }

  private CompletionStage<Caller> authenticated(HttpRequest request) {
    String key =
        request.getHeader("Authorization")
            .map(h -> h.value().strip())
            .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
            .map(v -> v.substring(7).strip())
            .orElse(null);
    if (key == null || key.isEmpty()) {
      return CompletableFuture.failedFuture(ApiException.unauthorized());
    }
    String hash = Keys.hash(key);
    if (Keys.same(hash, Keys.hash(settings.operatorKey()))) {
      return CompletableFuture.completedFuture(new Caller(true, null, hash));
    }
    return registry.state().thenApply(s -> s.customerWithKeyHash(hash).map(c -> new Caller(false, c.id(), hash)).orElseThrow(ApiException::unauthorized));
  }

  // --- customers and keys ---------------------------------------------------------------------

  /** Who the key is: the operator, or the customer (id and name) it belongs to. */
  private CompletionStage<?> me(Caller c) {
    if (c.operator()) {
      return CompletableFuture.completedFuture(new ApiTypes.Me(true, null, null));
    }
    return registry.state().thenApply(s -> {
      Customer x = s.customers().get(c.customerId());
      return new ApiTypes.Me(false, c.customerId(), x == null ? null : x.name());
    });
  }

  /** Every customer for an operator; a customer's key lists only its own customer (for its name). */
  private CompletionStage<?> customers(Caller c) {
    return registry.state().thenApply(s -> s.customers().values().stream()
        .filter(x -> c.operator() || x.id().equals(c.customerId()))
        .sorted(Comparator.comparing(Customer::name))
        .map(x -> new ApiTypes.CustomerView(x.id(), x.name(), x.createdAt().toString(), c.operator() ? x.apiKeyHashes().size() : null))
        .toList());
  }

  private CompletionStage<?> createCustomer(Caller c, ApiTypes.NewCustomer body) {
    c.requireOperator();
    return registry.<Customer>ask(r -> new Registry.CreateCustomer(body.name(), c.actor(), r))
        .thenApply(x -> Map.of("id", x.id(), "name", x.name()));
  }

  private CompletionStage<?> issueKey(Caller c, String customerId) {
    c.requireOperator();
    String key = Keys.generate();
    return registry.<Customer>ask(r -> new Registry.AddApiKey(customerId, Keys.hash(key), c.actor(), r))
        .thenApply(x -> new ApiTypes.ApiKey(x.id(), key));
  }

  private CompletionStage<?> rotateOwnKey(Caller c) {
    if (c.operator()) {
      throw ApiException.badRequest(null, "the operator key is set in configuration, not rotated here");
    }
    String key = Keys.generate();
    return registry.<Customer>ask(r -> new Registry.ReplaceApiKey(c.customerId(), c.keyHash(), Keys.hash(key), c.actor(), r))
        .thenApply(x -> new ApiTypes.ApiKey(x.id(), key));
  }

  // --- resources -------------------------------------------------------------------------------

  private CompletionStage<?> resources(Caller c) {
    return registry.state().thenApply(s -> s.resources().values().stream()
        .filter(r -> c.operator() || r.customerId().equals(c.customerId()))
        .sorted(Comparator.comparing(Resource::name)).toList());
  }

  private CompletionStage<?> createResource(Caller c, ApiTypes.NewResource body) {
    String owner = ownerFor(c, body.customerId());
    return registry.<Resource>ask(r -> new Registry.CreateResource(owner, body.name(), c.actor(), r));
  }

  private static String ownerFor(Caller c, String requested) {
    if (c.operator()) {
      if (requested == null) {
        throw ApiException.badRequest("customerId", "an operator must name the customer");
      }
      return requested;
    }
    if (requested != null && !requested.equals(c.customerId())) {
      throw ApiException.forbidden("a customer manages only its own resources");
    }
    return c.customerId();
  }

  // --- cache nodes -----------------------------------------------------------------------------

  private ApiTypes.NodeView view(CacheNode n, ApiTypes.ActivationKeys keys, boolean operator) {
    return new ApiTypes.NodeView(
        n.id(), n.customerId(), n.resourceId(), n.name(), n.serverIp(), n.cidrBlocks(), n.maxEgressMbps(), n.enabled(),
        n.drives(), n.status().name(), Disclosure.reason(n, operator), Disclosure.conflict(n, operator), n.ipv4Addresses(),
        n.ipv6Networks(), health.healthy(n.id()),
        health.last(n.id()).map(r -> new ApiTypes.Usage(r.at().toString(), r.diskUsedBytes(), r.diskCapacityBytes(), r.hitBytes(),
            r.missBytes(), r.egressBytes(), r.requests())).orElse(null),
        keys);
  }

  private CompletionStage<?> nodes(Caller c) {
    return registry.state().thenApply(s -> s.nodes().values().stream()
        .filter(n -> c.operator() || n.customerId().equals(c.customerId()))
        .sorted(Comparator.comparing(CacheNode::name)).map(n -> view(n, null, c.operator())).toList());
  }

  private CompletionStage<CacheNode> owned(Caller c, String id) {
    return registry.state().thenApply(s -> {
      CacheNode n = s.nodes().get(id);
      if (n == null) {
        throw ApiException.notFound("cache node " + id);
      }
      c.requireOwner(n.customerId());
      return n;
    });
  }

  private CompletionStage<?> node(Caller c, String id) {
    return owned(c, id).thenApply(n -> view(n, null, c.operator()));
  }

  private CompletionStage<?> createNode(Caller c, ApiTypes.NewNode b) {
    if (c.operator()) {
      throw ApiException.forbidden("cache nodes are created by their customer");
    }
    String nodeKey = Keys.generate();
    Registry.NodeSpec spec = new Registry.NodeSpec(c.customerId(), b.resourceId(), b.name(), b.serverIp(), b.cidrBlocks(), b.maxEgressMbps(), b.enabled(), b.drives());
    return registry.<CacheNode>ask(r -> new Registry.CreateCacheNode(spec, Keys.hash(nodeKey), c.actor(), r))
        .thenApply(n -> view(n, new ApiTypes.ActivationKeys(n.customerId(), n.id(), nodeKey), false));
  }

  private CompletionStage<?> editNode(Caller c, String id, ApiTypes.NodeEdit b) {
    if (b.name() != null) {
      throw ApiException.badRequest("name", "the name of a cache node cannot be changed after creation");
    }
    return owned(c, id).thenCompose(n -> registry.<CacheNode>ask(
        r -> new Registry.UpdateCacheNode(id, new Registry.NodeChanges(b.serverIp(), b.cidrBlocks(), b.maxEgressMbps(), b.enabled()), c.actor(), r)))
        .thenApply(n -> view(n, null, c.operator()));
  }

  private CompletionStage<?> deleteNode(Caller c, String id) {
    return owned(c, id).thenCompose(n -> registry.<Done>ask(r -> new Registry.DeleteCacheNode(id, c.actor(), r)))
        .thenCompose(d -> healthSync.forget(id).thenCompose(v -> telemetry.forget(id)).thenApply(v -> d));
  }

  private CompletionStage<?> rotateNodeKey(Caller c, String id) {
    String nodeKey = Keys.generate();
    return owned(c, id).thenCompose(n -> registry.<CacheNode>ask(r -> new Registry.RotateNodeKey(id, Keys.hash(nodeKey), c.actor(), r)))
        .thenApply(n -> new ApiTypes.ActivationKeys(n.customerId(), n.id(), nodeKey));
  }

  /** A node's history, also after its deletion (from its tombstone), for its owner and operators. */
  private CompletionStage<?> history(Caller c, String id) {
    return registry.state().thenApply(s -> {
      String owner = s.node(id).map(CacheNode::customerId)
          .or(() -> s.deletedNode(id).map(DeletedNode::customerId))
          .orElseThrow(() -> ApiException.notFound("cache node " + id));
      c.requireOwner(owner);
      return s.history().getOrDefault(id, List.of()).stream().map(e -> Disclosure.history(e, owner, c.operator())).toList();
    });
  }

  // --- review ----------------------------------------------------------------------------------

  private CompletionStage<?> reviewQueue(Caller c) {
    c.requireOperator();
    return registry.state().thenApply(s -> s.nodes().values().stream()
        .filter(n -> n.status() != IpSpaceStatus.VALID)
        .sorted(Comparator.comparing(CacheNode::createdAt)).map(n -> view(n, null, true)).toList());
  }

  private CompletionStage<?> review(Caller c, String id, boolean approve, String reason) {
    c.requireOperator();
    return registry.<CacheNode>ask(r -> new Registry.ReviewIpSpace(id, approve, reason, c.actor(), r)).thenApply(n -> view(n, null, true));
  }

  // --- purges ----------------------------------------------------------------------------------

  private CompletionStage<?> purge(Caller c, ApiTypes.NewPurge body) {
    c.requireOperator();
    PurgeRequest p = PurgeRequest.of(body, purgeTargets);
    return registry.<Purge>ask(r -> new Registry.RecordPurge(p.target(), p.key(), p.prefix(), c.actor(), r))
        .thenApply(recorded -> {
          log.info("purge #{} recorded by {}: {} {} (cache key {})", recorded.seq(), recorded.actor(),
              recorded.prefix() ? "prefix" : "url", recorded.target(), recorded.key());
          purgeFeed.tell(new PurgeFeed.Recorded(recorded.seq()));
          return view(recorded);
        });
  }

  private CompletionStage<?> purges(Caller c, java.util.Optional<String> after, java.util.Optional<String> limit) {
    c.requireOperator();
    long from = number(after, "after", 0, Long.MAX_VALUE, 0);
    int max = (int) number(limit, "limit", 1, 1000, 100);
    return registry.<Registry.PurgeList>ask(r -> new Registry.ListPurges(from, max, r))
        .thenApply(l -> new ApiTypes.PurgeListView(l.purges().stream().map(AdminRoutes::view).toList(), l.last()));
  }

  private static ApiTypes.PurgeView view(Purge p) {
    return new ApiTypes.PurgeView(p.seq(), p.prefix() ? null : p.target(), p.prefix() ? p.target() : null, p.key(), p.actor(), p.at().toString());
  }

  private static long number(java.util.Optional<String> raw, String name, long min, long max, long absent) {
    if (raw.isEmpty()) {
      return absent;
    }
    try {
      long v = Long.parseLong(raw.get().strip());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw ApiException.badRequest(name, "query parameter '" + name + "' must be a whole number from " + min + (max == Long.MAX_VALUE ? " up" : " to " + max));
  }

  // --- summary report ----------------------------------------------------------------------------

  private CompletionStage<?> summary(Caller c) {
    return registry.state().thenApply(s -> health.summary(s.nodes().values().stream()
        .filter(n -> c.operator() || n.customerId().equals(c.customerId())).map(CacheNode::id).toList()));
  }

  // --- traffic reports -------------------------------------------------------------------------

  /** A report as JSON, or as CSV with {@code format=csv} or (without {@code format}) {@code Accept: text/csv}. */
  private Route traffic(HttpRequest request, BiFunction<Caller, ReportRange, CompletionStage<?>> report) {
    return parameterOptional("range", range -> parameterOptional("format", format -> completeWithFuture(
        authenticated(request)
            .thenCompose(c -> {
              boolean csv = ReportFormats.csv(request, format);
              return report.apply(c, TrafficReports.range(range)).thenApply(r -> csv ? ReportFormats.csv(r) : json(200, r));
            })
            .exceptionally(AdminRoutes::problem))));
  }

  // --- steering (no key: clients and routing services call it) ------------------------------------

  private Route steer() {
    return concat(
        pathEnd(() -> get(() -> parameterOptional("clientIp", ip -> complete(SteeringEndpoint.response(steering.steer(routing.current(), required(ip, "clientIp"))))))),
        path("redirect", () -> get(() -> parameterOptional("clientIp", ip -> parameterOptional("url", url ->
            complete(redirect(required(ip, "clientIp"), required(url, "url"))))))));
  }

  private static String required(java.util.Optional<String> v, String name) {
    return v.filter(s -> !s.isBlank()).orElseThrow(() -> ApiException.badRequest(name, "query parameter '" + name + "' is required"));
  }

  private HttpResponse redirect(String clientIp, String url) {
    RedirectTarget target = RedirectTarget.of(url, purgeTargets);
    ApiTypes.SteerAnswer answer = steering.steer(routing.current(), clientIp);
    String location = answer.useCdn() ? target.cdnUrl() : target.onNode(answer.nodes().get(0).url());
    return HttpResponse.create().withStatus(StatusCodes.FOUND).addHeader(Location.create(location))
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, Json.steerAnswer(answer)));
  }

  // --- node agent -------------------------------------------------------------------------------

  private Route agent() {
    return concat(
        path("activate", () -> post(() -> body(ApiTypes.Activate.class, b -> completeWithFuture(
            verify(b.customerId(), b.cacheNodeId(), b.nodeKey()).thenApply(n -> json(200, view(n, null, false))).exceptionally(AdminRoutes::problem))))),
        path("heartbeat", () -> post(() -> body(ApiTypes.Heartbeat.class, b -> completeWithFuture(
            verify(b.customerId(), b.cacheNodeId(), b.nodeKey()).thenApply(n -> {
              Figures figures = HeartbeatCheck.figures(b);
              telemetry.take(new Sample(n.id(), n.customerId(), n.resourceId(), telemetry.clock().instant(), b.healthy(), figures,
                  b.diskUsedBytes(), b.diskCapacityBytes()));
              healthSync.heartbeat(n.id(), n.customerId(), b.healthy(), HeartbeatCheck.counters(b), b.diskUsedBytes(), b.diskCapacityBytes());
              return json(200, Map.of("accepted", true, "routable", n.routable(), "ipSpaceStatus", n.status().name()));
            }).exceptionally(AdminRoutes::problem))))));
  }

  private CompletionStage<CacheNode> verify(String customerId, String nodeId, String nodeKey) {
    if (customerId == null || nodeId == null || nodeKey == null) {
      return CompletableFuture.failedFuture(ApiException.badRequest(null, "customerId, cacheNodeId and nodeKey are required"));
    }
    return registry.state().thenApply(s -> {
      CacheNode n = s.nodes().get(nodeId);
      if (n == null || !n.customerId().equals(customerId) || !Keys.same(n.nodeKeyHash(), Keys.hash(nodeKey))) {
        throw new ApiException(401, null, "the activation keys do not match a registered cache node");
      }
      return n;
    });
  }

}

package io.ispcache.content;

import akka.NotUsed;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.ispcache.content.server.Answer;
import io.ispcache.content.server.ContentHandler;
import io.ispcache.content.server.FileResponse;
import io.ispcache.content.server.RequestHead;
import io.ispcache.freshness.CacheControl;
import io.ispcache.freshness.Freshness;
import io.ispcache.freshness.FreshnessSettings;
import io.ispcache.freshness.ResponseHeaders;
import io.ispcache.metrics.NodeMetrics;
import io.ispcache.object.BeyondEndException;
import io.ispcache.object.ChunkSupply;
import io.ispcache.object.ObjectAddress;
import io.ispcache.object.ObjectChangedException;
import io.ispcache.object.RelayException;
import io.ispcache.origin.OriginException;
import io.ispcache.origin.UncacheableException;
import io.ispcache.origin.OriginSettings;
import io.ispcache.store.ObjectMeta;
import io.ispcache.store.StoreFullException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one content request: validate, find the object's meta (local, or learnt with the first
 * chunk's fill), resolve the Range, and stream the chunks (RFC 9110 §14 semantics).
 */
public final class ContentService {
  private static final Logger log = LoggerFactory.getLogger(ContentService.class);
  static final String CACHE_STATUS = "X-Cache";

  private final OriginSettings origins;
  private final ContentSettings settings;
  private final ChunkSupply supply;
  private final NodeMetrics metrics;
  /** Relayed body bytes, counted as the client's socket takes them (made once, not per response). */
  private final java.util.function.LongConsumer relayed;
  private final InFlight inFlight = new InFlight();
  /** A leave's drain time is over: streamed bodies end at their next chunk boundary. */
  private volatile boolean cutting;

  private final ClientAcl acl;
  private final FreshnessSettings freshness;

  public ContentService(
      OriginSettings origins,
      ContentSettings settings,
      FreshnessSettings freshness,
      ChunkSupply supply,
      NodeMetrics metrics,
      ClientAcl acl) {
    this.acl = acl;
    this.freshness = freshness;
    this.origins = origins;
    this.settings = settings;
    this.supply = supply;
    this.metrics = metrics;
    this.relayed = metrics.relayBytes()::increment;
  }

  /** Response bodies being streamed right now; a graceful leave waits for them. */
  public InFlight inFlight() {
    return inFlight;
  }

  /**
   * The end of a leave's drain time: bodies streamed through Akka (multipart ranges) end after the
   * chunk they are sending (the content server cuts its own responses: see ContentServer).
   */
  public void cutAtChunkBoundaries() {
    cutting = true;
  }

  public CompletionStage<Answer> serve(HttpRequest request) {
    metrics.request();
    try {
      String refused =
          acl.refusal(request.getAttribute(akka.http.javadsl.model.AttributeKeys.remoteAddress).flatMap(a -> a.getAddress()));
      if (refused != null) {
        return done(error(403, "client_not_served", refused, Map.of()));
      }
      if (request.method() != HttpMethods.GET && request.method() != HttpMethods.HEAD) {
        return forward(request);
      }
      ObjectAddress resolved =
          ContentTarget.resolve(
              origins,
              request.getAttribute(ContentHandler.REQUEST_TARGET).orElseGet(() -> request.getUri().toString()),
              request.getHeader("Host").map(HttpHeader::value));
      boolean head = request.method() == HttpMethods.HEAD;
      ObjectAddress address = resolved.forwarding(RequestCaching.sentWithFills(request));
      if (RequestCaching.personal(request, address.origin())) {
        // Credentials make the answer the client's own (RFC 9111 §3.5): relayed, never stored or served from the store.
        return relay(address, request);
      }
      CacheControl asked = freshness.clientDirectives() ? RequestCaching.directives(request) : CacheControl.NONE;
      String range = request.getHeader("Range").map(HttpHeader::value).orElse(null);
      Optional<List<RangeHeader.RangeSpec>> ranges =
          range == null ? Optional.empty() : RangeHeader.parse(range, settings.maxRanges());
      if (ranges.isEmpty() && RangeHeader.tooMany(range, settings.maxRanges())) {
        return done(tooManyRanges(address));
      }
      String ifRange = request.getHeader("If-Range").map(HttpHeader::value).orElse(null);
      Preconditions.Fields conditions = ConditionalRequests.fields(request);
      long hint = ranges.map(this::firstChunk).orElse(0L);
      Optional<ObjectMeta> known = supply.knownMeta(address);
      if (known.isEmpty() && !RequestCaching.wantsValidation(asked, Long.MAX_VALUE, address.origin().freshness())) {
        Optional<HttpResponse> stored = supply.storedAnswer(address);
        if (stored.isPresent()) {
          metrics.response(NodeMetrics.Response.HIT);
          return done(stored.get().addHeader(RawHeader.create(CACHE_STATUS, "HIT")));
        }
      }
      if (asked.has("only-if-cached") && (known.isEmpty() || !RequestCaching.usable(known.get(), address, freshness, asked))) {
        return done(error(504, "not_cached", "only-if-cached: this cache holds no fresh copy of the object", Map.of()));
      }
      if (known.isEmpty() && !supply.filling()) {
        // No drive takes new chunks (their file systems are short of space; /health says so): the
        // client still gets its bytes, straight from the origin.
        return relay(address, request);
      }
      CompletionStage<Found> found;
      if (known.isPresent()) {
        found = current(address, known.get(), asked, hint);
      } else {
        // A chunk filled to learn the object's meta was a miss, however fast it committed.
        found = (head ? supply.head(address) : supply.meta(address, hint)).thenApply(m -> new Found(m, null, hint));
      }
      return found
          .thenCompose(f -> prepared(address, f.meta(), ranges, ifRange, conditions, true, f.discovered(), f.status(), head))
          .exceptionallyCompose(
              e ->
                  unwrap(e) instanceof UncacheableException || unwrap(e) instanceof StoreFullException
                      // The origin forbids storing it, or no drive can take it now: the client's
                      // own request goes upstream as it is, and its answer is relayed unstored.
                      ? relay(address, request)
                      : CompletableFuture.failedFuture(e))
          .exceptionally(e -> failure(address, e));
    } catch (ContentError e) {
      return done(error(e.status, e.code, e.getMessage(), e.details));
    }
  }

  /**
   * A request of another method than GET and HEAD: forwarded to its origin with its body when the
   * origin's {@code methods} allow it (every method in reverse-proxy mode), else 405. Nothing of
   * the answer is stored; a successful unsafe request drops what this node stored for the target
   * URI (and the answer's Location and Content-Location on the same host) before the answer goes
   * out, so the client's next GET here is fetched anew (RFC 9111 §4.4).
   */
  private CompletionStage<Answer> forward(HttpRequest request) {
    ObjectAddress address =
        ContentTarget.resolveForwarded(
            origins,
            request.getAttribute(ContentHandler.REQUEST_TARGET).orElseGet(() -> request.getUri().toString()),
            request.getHeader("Host").map(HttpHeader::value));
    String method = request.method().value();
    if (!address.origin().allows(method)) {
      String allowed = String.join(", ", address.origin().methods());
      return done(
          error(405, "method_not_allowed", "this origin is served with " + allowed + " only", Map.of())
              .addHeader(RawHeader.create("Allow", allowed)));
    }
    if (!(request.entity() instanceof akka.http.javadsl.model.HttpEntity.Strict strict)) {
      // The content server reads a body whole before it hands the request on.
      throw new IllegalStateException("a forwarded request's body must be read already");
    }
    ByteString body = strict.getData();
    metrics.forwarded(body.size());
    return supply
        .forward(
            address,
            method,
            RequestCaching.forwardedFrom(
                request, request.getAttribute(akka.http.javadsl.model.AttributeKeys.remoteAddress).flatMap(a -> a.getAddress())),
            body)
        .thenCompose(
            response -> {
              if (!Invalidation.invalidates(method, response.status().intValue())) {
                return CompletableFuture.completedFuture(response);
              }
              java.util.Set<String> keys =
                  Invalidation.keys(
                      origins,
                      address,
                      response.getHeader("Location").map(HttpHeader::value),
                      response.getHeader("Content-Location").map(HttpHeader::value));
              return supply
                  .invalidate(keys)
                  .handle(
                      (dropped, e) -> {
                        if (e != null) {
                          log.error("{} {} succeeded but its stored objects could not be dropped", method, address.key(), e);
                        } else if (dropped > 0) {
                          metrics.invalidated(dropped);
                          log.debug("{} {}: dropped {} stored objects", method, address.key(), dropped);
                        }
                        return response;
                      });
            })
        .<Answer>thenApply(
            response -> {
              metrics.response(NodeMetrics.Response.RELAY);
              return new Answer.Http(response.addHeader(RawHeader.create(CACHE_STATUS, "MISS")), relayed);
            })
        .exceptionally(
            e -> {
              metrics.forwardFailed();
              return failure(address, e);
            });
  }

  /** The client's own request sent upstream, its answer relayed as it comes. */
  private CompletionStage<Answer> relay(ObjectAddress address, HttpRequest request) {
    return supply
        .relay(address, request.method().value(), RequestCaching.forwarded(request))
        .<Answer>thenApply(m -> null)
        .exceptionally(e -> failure(address, e));
  }

  /** The object to answer with, how it was found (null: by its chunks), and the chunk a fill learnt it by (-1: none). */
  private record Found(ObjectMeta meta, String status, long discovered) {}

  /**
   * The stored object if it is fresh enough for the request (RFC 9111 §4.2, §5.2.1); else
   * revalidated with the origin first (§4.3), or served stale where the origin allows it: while it
   * is revalidated ({@code stale-while-revalidate}) or when the origin fails.
   */
  private CompletionStage<Found> current(ObjectAddress address, ObjectMeta meta, CacheControl asked, long hint) {
    long now = System.currentTimeMillis();
    long lifetime = Freshness.lifetime(meta.headers(), meta.lastModified(), address.origin().freshness(), freshness.heuristic());
    long age = meta.ageMillis(now);
    boolean fresh = age < lifetime;
    boolean forced = RequestCaching.wantsValidation(asked, age, address.origin().freshness());
    if (fresh && !forced) {
      return CompletableFuture.completedFuture(new Found(meta, null, -1));
    }
    long staleFor = fresh ? 0 : age - lifetime;
    // The oldest validation (by another node) this request may still use instead of its own: one
    // whose lifetime has not run out, or, when the client asked for validation, one made now.
    long notBefore = forced || lifetime == Freshness.FOREVER ? now : now - lifetime;
    if (!forced && Freshness.mayServeWhileRevalidating(meta.headers(), staleFor)) {
      supply.revalidate(address, meta, notBefore).whenComplete((m, e) -> {
        if (e != null) {
          log.info("background revalidation of {} failed: {}", address.key(), describe(e));
        }
      });
      metrics.staleResponse();
      return CompletableFuture.completedFuture(new Found(meta, STALE_REVALIDATING, -1));
    }
    return supply
        .revalidate(address, meta, notBefore)
        .handle(
            (m, e) -> {
              if (e == null) {
                boolean same = m.version().equals(meta.version());
                return CompletableFuture.completedFuture(new Found(m, same ? REVALIDATED : null, same ? -1 : 0));
              }
              Throwable cause = unwrap(e);
              if (cause instanceof ObjectChangedException) {
                return supply.meta(address, hint).thenApply(fresher -> new Found(fresher, null, hint));
              }
              if (originFailed(cause) && Freshness.mayServeStaleOnError(meta.headers(), staleFor, freshness.staleOnError())) {
                log.warn("serving {} stale: its origin failed to validate it ({})", address.key(), describe(cause));
                metrics.staleResponse();
                return CompletableFuture.completedFuture(new Found(meta, STALE_ORIGIN_FAILED, -1));
              }
              return CompletableFuture.<Found>failedFuture(cause);
            })
        .thenCompose(f -> f);
  }

  /** X-Cache of an object the origin confirmed (304) just now. */
  static final String REVALIDATED = "REVALIDATED";

  /** X-Cache of a stale object sent while it is revalidated (stale-while-revalidate). */
  static final String STALE_REVALIDATING = "STALE; revalidating";

  /** X-Cache of a stale object sent because its origin failed to validate it. */
  static final String STALE_ORIGIN_FAILED = "STALE; origin-failed";

  /**
   * Whether the origin failed (rather than answered): unreachable, timed out, broken, a 5xx, or
   * too busy to answer (408, 429).
   */
  private static boolean originFailed(Throwable e) {
    if (e instanceof RelayException r) {
      int status = r.response().status().intValue();
      return status >= 500 || status == 408 || status == 429;
    }
    return e instanceof OriginException || e instanceof TimeoutException;
  }

  /**
   * A GET or HEAD of the whole object or one range of it whose chunks are all committed here,
   * answered from the chunk files by the content server; null for every other request, which
   * {@link #serve} answers (it also gives every error). Looks things up in memory only.
   */
  public FileResponse direct(RequestHead head, InetSocketAddress client) {
    if (!head.method().equals("GET") && !head.method().equals("HEAD")) {
      return null;
    }
    if (acl.refusal(Optional.of(client.getAddress())) != null) {
      return null;
    }
    ObjectAddress address;
    try {
      // The same resolution as serve's, on the same raw target: one key for one request either way.
      address = ContentTarget.resolve(origins, head.target(), Optional.ofNullable(head.header("Host")));
    } catch (ContentError e) {
      return null;
    }
    ObjectMeta meta = supply.knownMeta(address).orElse(null);
    if (meta == null || meta.length() == 0) {
      return null;
    }
    if (freshness.clientDirectives() && (head.header("Cache-Control") != null || head.header("Pragma") != null)
        || head.header("Authorization") != null
        || address.origin().reverseProxy() && head.header("Cookie") != null
        || !RequestCaching.fresh(meta, address, freshness, System.currentTimeMillis())) {
      return null; // request directives, credentials, or a stale object: the handler decides
    }
    Preconditions.Fields conditions = ConditionalRequests.fields(head);
    if (conditions != null) {
      Preconditions.Outcome outcome = Preconditions.evaluate(true, conditions, meta.etag(), meta.lastModified());
      if (outcome == Preconditions.Outcome.NOT_MODIFIED) {
        metrics.request();
        metrics.response(NodeMetrics.Response.HIT);
        return ConditionalRequests.notModified(meta, "HIT");
      }
      if (outcome == Preconditions.Outcome.FAILED) {
        return null; // the 412 is a JSON error, which serve writes (from the meta, no origin request)
      }
    }
    String rangeHeader = head.header("Range");
    Optional<List<RangeHeader.RangeSpec>> ranges =
        rangeHeader == null ? Optional.empty() : RangeHeader.parse(rangeHeader, settings.maxRanges());
    if (ranges.isEmpty() && rangeHeader != null && RangeHeader.tooMany(rangeHeader, settings.maxRanges())) {
      return null; // refused by serve
    }
    String ifRange = head.header("If-Range");
    List<ByteRange> planned = plan(meta, ranges, ifRange);
    if (planned.size() != 1) {
      return null; // unsatisfiable or multipart
    }
    ByteRange range = planned.get(0);
    int chunkSize = supply.chunkSize();
    long firstChunk = range.first() / chunkSize;
    long lastChunk = range.last() / chunkSize;
    if (lastChunk - firstChunk >= DIRECT_CHUNKS) {
      // Each chunk is a lookup on this I/O thread before the first byte goes out; a response over
      // more chunks (gigabytes) goes through the handler, whose bounded look at the chunks costs
      // the same for any size and whose hop is nothing next to the transfer.
      return null;
    }
    for (long c = firstChunk; c <= lastChunk; c++) {
      if (!supply.isCommitted(meta, c) || supply.unread(meta, c)) {
        return null; // an unread chunk (read ahead for a client) is that client's miss: serve counts it
      }
    }
    metrics.request();
    metrics.response(NodeMetrics.Response.HIT);
    boolean partial = ranges.isPresent() && IfRange.holds(ifRange, meta.etag(), meta.lastModified());
    return chunks(address, meta, partial ? range : null, range, "HIT", true, false, false);
  }

  /**
   * Chunks of a response the direct path checks at most (8 GiB at the default 2 MiB chunk, 1 GiB
   * at the smallest chunk size): the hits the load tests measure, up to whole 1 GiB objects, stay
   * on it.
   */
  static final int DIRECT_CHUNKS = 4096;

  /** Chunks {@link #cacheStatus} looks at at most; see there. */
  static final int STATUS_CHUNKS = 4096;

  /**
   * A 200 of the whole object or a 206 of {@code partial}, its body the chunks' slices of
   * {@code range}: sent from the chunk files, or pulled from fills as the bytes arrive.
   * {@code firstMissed}: the range's first chunk was fetched for this request, whatever state it
   * reached meanwhile.
   */
  private FileResponse chunks(
      ObjectAddress address,
      ObjectMeta meta,
      ByteRange partial,
      ByteRange range,
      String status,
      boolean allCommitted,
      boolean headOnly,
      boolean firstMissed) {
    List<ResponseHeaders.Field> stored = meta.headers().fields();
    List<RequestHead.Header> headers = new ArrayList<>(9 + stored.size());
    headers.add(new RequestHead.Header("Content-Type", contentType(meta.contentType()).toString()));
    if (partial != null) {
      headers.add(new RequestHead.Header("Content-Range", ContentRangeHeader.of(partial, meta.length())));
    }
    headers.add(new RequestHead.Header(CACHE_STATUS, status));
    headers.add(new RequestHead.Header("Accept-Ranges", "bytes"));
    if (meta.etag() != null) {
      headers.add(new RequestHead.Header("ETag", meta.etag()));
    }
    if (meta.lastModified() != null) {
      headers.add(new RequestHead.Header("Last-Modified", meta.lastModified()));
    }
    for (ResponseHeaders.Field f : stored) {
      headers.add(new RequestHead.Header(f.name(), f.value()));
    }
    headers.add(new RequestHead.Header("Age", Long.toString(meta.ageMillis(System.currentTimeMillis()) / 1000)));
    headers.add(VIA);
    FileResponse.Parts parts = FileResponse.NO_PARTS;
    if (range != null && !headOnly) {
      ChunkMath.Slices slices = ChunkMath.slices(range, supply.chunkSize());
      parts =
          allCommitted
              ? ChunkParts.committed(supply, address, meta, slices, metrics)
              : ChunkParts.asFound(supply, address, meta, slices, metrics, firstMissed);
    }
    inFlight.opened();
    Runnable finished = inFlight::closed;
    if (range != null && !allCommitted && !headOnly) {
      // Holds the object's read-ahead on until the response ends (a hit found all committed does
      // not read ahead; a response that may reach a chunk being fetched does).
      Runnable reading = supply.readAhead().open(meta.key());
      finished = () -> {
        inFlight.closed();
        reading.run();
      };
    }
    return new FileResponse(partial != null ? 206 : 200, headers, range == null ? 0 : range.length(), parts, finished);
  }

  /** This cache in the Via of every response it sends from its store (RFC 9110 §7.6.3). */
  private static final RequestHead.Header VIA = new RequestHead.Header("Via", ResponseHeaders.VIA);

  /**
   * Answers once the first chunk of the response is on disk or its fill has begun, so an origin
   * failure or an object changed at the origin becomes a clean status instead of a cut-off body.
   */
  private CompletionStage<Answer> prepared(
      ObjectAddress address,
      ObjectMeta meta,
      Optional<List<RangeHeader.RangeSpec>> ranges,
      String ifRange,
      Preconditions.Fields conditions,
      boolean mayRetry,
      long discovered,
      String found,
      boolean headOnly) {
    Answer precondition = precondition(conditions, meta, discovered);
    if (precondition != null) {
      return CompletableFuture.completedFuture(precondition);
    }
    List<ByteRange> planned = plan(meta, ranges, ifRange);
    if (planned.isEmpty() && meta.length() > 0) {
      // No range of the request is in the object: a 416, the client's mistake, not a hit or a miss.
      return CompletableFuture.completedFuture(new Answer.Http(unsatisfiable(meta.length())));
    }
    String counted = cacheStatus(meta, planned, discovered);
    long first = planned.isEmpty() ? 0 : planned.get(0).first() / supply.chunkSize();
    if (planned.isEmpty() || headOnly || supply.isLocal(meta, first)) {
      // A HEAD needs no bytes: it is answered from the meta, without a fill.
      String filled = planned.isEmpty() ? counted : pulled(counted, meta, first);
      count(filled);
      // The chunk fetched to learn the object may have all its bytes by now: still a miss.
      return CompletableFuture.completedFuture(
          respond(address, meta, ranges, ifRange, found != null ? found : filled, headOnly, first == discovered));
    }
    return supply
        .prepare(address, meta, first)
        .handle(
            (m, e) -> {
              if (e == null) {
                String filled = pulled(counted, meta, first);
                count(filled);
                return CompletableFuture.completedFuture(
                    respond(address, meta, ranges, ifRange, found != null ? found : filled, false, true));
              }
              Throwable cause = unwrap(e);
              if (!(cause instanceof ObjectChangedException && mayRetry)) {
                count(counted); // the retry below counts the request once
              }
              if (cause instanceof ObjectChangedException && mayRetry) {
                // The origin has a new revision: answer with it, never a mix of both.
                return supply
                    .meta(address, first)
                    .thenCompose(fresh -> prepared(address, fresh, ranges, ifRange, conditions, false, first, null, false));
              }
              return CompletableFuture.<Answer>failedFuture(cause);
            })
        .thenCompose(r -> r);
  }

  /**
   * The 304 or 412 that {@code conditions} make of a GET or HEAD of {@code meta}'s revision (RFC
   * 9110 §13.2.2), or null to go on with the request.
   */
  private Answer precondition(Preconditions.Fields conditions, ObjectMeta meta, long discovered) {
    if (conditions == null) {
      return null;
    }
    switch (Preconditions.evaluate(true, conditions, meta.etag(), meta.lastModified())) {
      case NOT_MODIFIED:
        metrics.response(discovered < 0 ? NodeMetrics.Response.HIT : NodeMetrics.Response.MISS);
        return ConditionalRequests.notModified(meta, discovered < 0 ? "HIT" : "MISS");
      case FAILED:
        return new Answer.Http(
            error(412, "precondition_failed", "the cached object does not meet the request's If-Match or If-Unmodified-Since", Map.of()));
      default:
        return null;
    }
  }

  /** The byte ranges the response will carry, in order (empty for an empty body or a 416). */
  private List<ByteRange> plan(
      ObjectMeta meta, Optional<List<RangeHeader.RangeSpec>> ranges, String ifRange) {
    long length = meta.length();
    if (length == 0) {
      return List.of();
    }
    if (ranges.isPresent() && IfRange.holds(ifRange, meta.etag(), meta.lastModified())) {
      RangeHeader.Resolution r = RangeHeader.resolve(ranges.get(), length);
      return r instanceof RangeHeader.Satisfiable s ? s.ranges() : List.of();
    }
    return List.of(new ByteRange(0, length - 1));
  }

  private long firstChunk(List<RangeHeader.RangeSpec> specs) {
    if (specs.get(0) instanceof RangeHeader.FromTo f) {
      return f.first() / supply.chunkSize();
    }
    return 0;
  }

  /**
   * A whole object or one range: its chunks as parts. Several ranges: a multipart body streamed
   * through Akka. None satisfiable: a 416.
   */
  private Answer respond(
      ObjectAddress address,
      ObjectMeta meta,
      Optional<List<RangeHeader.RangeSpec>> ranges,
      String ifRange,
      String status,
      boolean headOnly,
      boolean firstMissed) {
    long length = meta.length();
    boolean partial =
        ranges.isPresent() && length > 0 && IfRange.holds(ifRange, meta.etag(), meta.lastModified());
    if (!partial) {
      return chunks(address, meta, null, length == 0 ? null : new ByteRange(0, length - 1), status, false, headOnly, firstMissed);
    }
    RangeHeader.Resolution resolution = RangeHeader.resolve(ranges.get(), length);
    if (resolution instanceof RangeHeader.Unsatisfiable) {
      return new Answer.Http(unsatisfiable(length));
    }
    List<ByteRange> satisfied = ((RangeHeader.Satisfiable) resolution).ranges();
    if (satisfied.size() == 1) {
      return chunks(address, meta, satisfied.get(0), satisfied.get(0), status, false, headOnly, firstMissed);
    }
    MultipartByteRanges multipart = MultipartByteRanges.of(satisfied, meta.contentType(), length);
    BodyEgress egress = new BodyEgress(metrics.hitBytes(), metrics.missBytes());
    return new Answer.Http(withValidators(
        HttpResponse.create()
            .withStatus(StatusCodes.PARTIAL_CONTENT)
            .withEntity(
                HttpEntities.create(
                    ContentTypes.parse(multipart.contentTypeHeader()),
                    multipart.contentLength(),
                    multipart.body(r -> body(address, meta, r, egress), egress::framing)))
            .addHeader(RawHeader.create(CACHE_STATUS, status)),
        meta), egress);
  }

  /** A 416: counted as such, not as a cache error. */
  private HttpResponse unsatisfiable(long length) {
    metrics.rangeNotSatisfiable();
    return ErrorResponses.of(
            416,
            "range_not_satisfiable",
            "the requested range lies outside the object's " + length + " bytes",
            Map.of("length", length))
        .addHeader(RawHeader.create("Content-Range", ContentRangeHeader.unsatisfied(length)))
        .addHeader(RawHeader.create("Accept-Ranges", "bytes"));
  }

  /** More ranges than served: a 416, with the object's length when it is known here (§15.5.17). */
  private HttpResponse tooManyRanges(ObjectAddress address) {
    metrics.rangeNotSatisfiable();
    HttpResponse r =
        ErrorResponses.of(
            416,
            "too_many_ranges",
            "the Range header asks for more than " + settings.maxRanges() + " ranges",
            Map.of("max-ranges", settings.maxRanges()));
    Optional<ObjectMeta> meta = supply.knownMeta(address);
    return meta.isPresent()
        ? r.addHeader(RawHeader.create("Content-Range", ContentRangeHeader.unsatisfied(meta.get().length())))
        : r;
  }

  private Source<ByteString, NotUsed> body(ObjectAddress address, ObjectMeta meta, ByteRange range, ChunkSupply.Handed handed) {
    if (range == null) {
      return Source.empty();
    }
    ChunkMath.Slices slices = ChunkMath.slices(range, supply.chunkSize());
    long lastWanted = slices.lastChunk();
    return Source.fromIterator(slices::iterator)
        .takeWhile(s -> !cutting)
        .flatMapConcat(
            s -> supply.chunk(address, meta, s.index(), s.from(), s.toExclusive(), lastWanted, handed))
        .watchTermination(
            (mat, done) -> {
              inFlight.opened();
              Runnable reading = supply.readAhead().open(meta.key());
              done.whenComplete(
                  (d, e) -> {
                    inFlight.closed();
                    reading.run();
                    if (e != null && !(e instanceof akka.stream.AbruptTerminationException)) {
                      log.warn("response for {} cut off: {}", address.key(), describe(e));
                    }
                  });
              return NotUsed.getInstance();
            });
  }

  /**
   * HIT, MISS or PARTIAL over the chunks the response needs; {@code discovered} counts as missed.
   * Not counted here: the caller counts the status it answers with ({@link #count}).
   * A response over more than {@link #STATUS_CHUNKS} chunks is judged by a sample of that many
   * spread evenly over them (and the discovered chunk): each look is a lookup on the thread that
   * answers, and a whole-object request for a huge object must not cost one per chunk. The usual
   * all-or-nothing cases come out exact; a mix comes out PARTIAL unless the sample misses it.
   */
  private String cacheStatus(ObjectMeta meta, List<ByteRange> ranges, long discovered) {
    int chunkSize = supply.chunkSize();
    long chunks = 0;
    boolean discoveredWanted = false;
    for (ByteRange r : ranges) {
      chunks += r.last() / chunkSize - r.first() / chunkSize + 1;
      discoveredWanted |= discovered >= r.first() / chunkSize && discovered <= r.last() / chunkSize;
    }
    long stride = Math.max(1, (chunks + STATUS_CHUNKS - 1) / STATUS_CHUNKS);
    long local = 0;
    long total = 0;
    boolean discoveredSeen = false;
    long before = 0; // chunks of the ranges before this one
    for (ByteRange r : ranges) {
      long first = r.first() / chunkSize;
      long last = r.last() / chunkSize;
      for (long c = first + Math.floorMod(-before, stride); c <= last; c += stride) {
        total++;
        if (c == discovered) {
          discoveredSeen = true;
        } else if (supply.isLocal(meta, c) && !supply.unread(meta, c)) {
          local++;
        }
      }
      before += last - first + 1;
    }
    if (discoveredWanted && !discoveredSeen) {
      total++;
    }
    if (local == total && total > 0) {
      return "HIT";
    }
    return local == 0 ? "MISS" : "PARTIAL";
  }

  /** X-Cache of a response whose bytes are pulled from a peer node (its first chunk's are). */
  static final String PEER = "PEER";

  /**
   * PEER for a miss whose first chunk's bytes this node pulls (or just pulled) from another node of
   * the cluster rather than the origin; else {@code counted}.
   */
  private String pulled(String counted, ObjectMeta meta, long first) {
    return counted.equals("MISS") && supply.pulledFromPeer(meta, first) ? PEER : counted;
  }

  /** Counts a response by the X-Cache its chunks gave it. */
  private void count(String status) {
    switch (status) {
      case "HIT" -> metrics.response(NodeMetrics.Response.HIT);
      case PEER -> metrics.response(NodeMetrics.Response.PEER);
      case "PARTIAL" -> metrics.response(NodeMetrics.Response.PARTIAL);
      default -> metrics.response(NodeMetrics.Response.MISS);
    }
  }

  private static HttpResponse withValidators(HttpResponse response, ObjectMeta meta) {
    List<HttpHeader> headers = new ArrayList<>();
    headers.add(RawHeader.create("Accept-Ranges", "bytes"));
    if (meta.etag() != null) {
      headers.add(RawHeader.create("ETag", meta.etag()));
    }
    if (meta.lastModified() != null) {
      headers.add(RawHeader.create("Last-Modified", meta.lastModified()));
    }
    for (ResponseHeaders.Field f : meta.headers().fields()) {
      headers.add(RawHeader.create(f.name(), f.value()));
    }
    headers.add(RawHeader.create("Age", Long.toString(meta.ageMillis(System.currentTimeMillis()) / 1000)));
    headers.add(RawHeader.create(VIA.name(), VIA.value()));
    return response.addHeaders(headers);
  }

  private static ContentType contentType(String value) {
    if (value == null || value.isBlank() || value.equals("none/none")) {
      return ContentTypes.APPLICATION_OCTET_STREAM;
    }
    // Parsed once per distinct value: a hit would otherwise run Akka's header parser every time.
    ContentType known = CONTENT_TYPES.get(value);
    if (known != null) {
      return known;
    }
    ContentType parsed;
    try {
      parsed = ContentTypes.parse(value);
    } catch (RuntimeException e) {
      parsed = ContentTypes.APPLICATION_OCTET_STREAM;
    }
    if (CONTENT_TYPES.size() < MAX_CONTENT_TYPES) {
      CONTENT_TYPES.put(value, parsed);
    }
    return parsed;
  }

  /** Content types seen, parsed; bounded, as origins choose the strings. */
  private static final java.util.concurrent.ConcurrentHashMap<String, ContentType> CONTENT_TYPES =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static final int MAX_CONTENT_TYPES = 1024;

  private Answer failure(ObjectAddress address, Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof RelayException relay) {
      metrics.response(NodeMetrics.Response.RELAY);
      return new Answer.Http(relay.response().addHeader(RawHeader.create(CACHE_STATUS, "MISS")), relayed);
    }
    return new Answer.Http(failureResponse(address, e));
  }

  private HttpResponse failureResponse(ObjectAddress address, Throwable e) {
    if (e instanceof BeyondEndException b) {
      return unsatisfiable(b.length());
    }
    if (e instanceof OriginException o) {
      log.warn("origin failure for {}: {}", address.key(), o.getMessage());
      return error(o.status(), o.kind() == OriginException.Kind.TIMEOUT ? "origin_timeout" : "origin_failed", o.getMessage(), Map.of("host", address.host()));
    }
    if (e instanceof StoreFullException) {
      log.warn("no room to store {}: {}", address.key(), e.getMessage());
      return error(503, "cache_full", "the cache has no room for this object right now", Map.of());
    }
    if (e instanceof ObjectChangedException) {
      return error(503, "object_changed", e.getMessage() + "; retry", Map.of());
    }
    if (e instanceof TimeoutException || e instanceof akka.pattern.AskTimeoutException) {
      log.warn("timed out coordinating {}: {}", address.key(), e.toString());
      return error(503, "busy", "the cache could not coordinate this request in time", Map.of());
    }
    log.error("unexpected failure serving {}", address.key(), e);
    return error(500, "internal_error", "the cache failed to serve this request", Map.of());
  }

  private HttpResponse error(int status, String code, String message, Map<String, Object> details) {
    metrics.response(NodeMetrics.Response.ERROR);
    return ErrorResponses.of(status, code, message, details);
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String describe(Throwable e) {
    Throwable t = unwrap(e);
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  private static CompletionStage<Answer> done(HttpResponse response) {
    return CompletableFuture.completedFuture(new Answer.Http(response));
  }
}

package io.ispcache.origin;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request and its response on a leased origin connection, with its deadlines: the final
 * response head within the response timeout (interim answers included), the whole exchange within
 * the exchange timeout when one is set, a body nobody claims within the idle timeout given up.
 * Its state changes on the connection's event loop ({@link ExchangeHandler}); the consumer's side
 * reaches it through {@link OriginBody.Connection}.
 */
final class Exchange implements OriginBody.Connection {
  /** The final head and the body that follows it. */
  record Response(HttpResponse head, OriginBody body) {}

  /** A pooled connection the origin had closed before this exchange said anything: try a new one. */
  static final class StaleConnection extends RuntimeException {
    StaleConnection(OriginException cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  private final HttpRequest request;
  private final String origin;
  private final UpstreamPool pool;
  private final UpstreamPool.Lease lease;
  private final Executor fillThreads;
  private final long responseNanos;
  private final long idleNanos;
  private final long wholeNanos;
  private final CompletableFuture<Response> response = new CompletableFuture<>();
  private ExchangeHandler handler;
  private ScheduledFuture<?> headDeadline;
  private ScheduledFuture<?> wholeDeadline;
  private ScheduledFuture<?> unclaimed;
  private boolean receivedSomething;
  private boolean keepAlive;
  private long expectedBody = -1;
  private OriginBody body;

  Exchange(
      HttpRequest request,
      String origin,
      UpstreamPool pool,
      UpstreamPool.Lease lease,
      Executor fillThreads,
      long responseNanos,
      long idleNanos,
      long wholeNanos) {
    this.request = request;
    this.origin = origin;
    this.pool = pool;
    this.lease = lease;
    this.fillThreads = fillThreads;
    this.responseNanos = responseNanos;
    this.idleNanos = idleNanos;
    this.wholeNanos = wholeNanos;
  }

  /** Completes with the final head once it arrived, or fails with an {@link OriginException}. */
  CompletableFuture<Response> response() {
    return response;
  }

  HttpRequest request() {
    return request;
  }

  Channel channel() {
    return lease.channel();
  }

  // --- called by the handler, on the event loop -----------------------------------------------

  void started(ExchangeHandler handler) {
    this.handler = handler;
    Channel ch = lease.channel();
    headDeadline =
        ch.eventLoop()
            .schedule(
                () -> handler.fail(this, timeout("origin " + origin + " sent no complete response head within " + TimeUnit.NANOSECONDS.toMillis(responseNanos) + " ms")),
                responseNanos,
                TimeUnit.NANOSECONDS);
    if (wholeNanos > 0) {
      wholeDeadline =
          ch.eventLoop()
              .schedule(
                  () -> handler.fail(this, timeout("origin " + origin + " did not deliver the whole answer within " + TimeUnit.NANOSECONDS.toMillis(wholeNanos) + " ms")),
                  wholeNanos,
                  TimeUnit.NANOSECONDS);
    }
  }

  void receivedSomething() {
    receivedSomething = true;
  }

  void head(HttpResponse head, boolean keepAlive) {
    cancel(headDeadline);
    this.keepAlive = keepAlive;
    if (head.status().code() == 206) {
      Optional<ContentRangeValue> range = ContentRangeValue.parse(head.headers().get("Content-Range"));
      expectedBody = range.map(r -> r.last() - r.first() + 1).orElse(-1L);
    }
    long framed = -1;
    if (!head.headers().contains("Transfer-Encoding") && head.headers().contains("Content-Length")) {
      framed = Long.parseLong(head.headers().get("Content-Length").trim()); // the decoder took only a number
    }
    int code = head.status().code();
    if (code == 204 || code == 304 || request.method().equals(io.netty.handler.codec.http.HttpMethod.HEAD)) {
      framed = 0;
    }
    body = new OriginBody(this, fillThreads, expectedBody, framed);
    // A reply dropped without its body being read must not hold its connection.
    unclaimed =
        lease.channel()
            .eventLoop()
            .schedule(
                () -> {
                  if (body.giveUp()) {
                    handler.fail(this, timeout("nobody read the body of origin " + origin + "'s answer in time"));
                  }
                },
                idleNanos,
                TimeUnit.NANOSECONDS);
    response.complete(new Response(head, body));
  }

  long expectedBody() {
    return expectedBody;
  }

  long idleNanos() {
    return idleNanos;
  }

  boolean keepAlive() {
    return keepAlive;
  }

  OriginBody body() {
    return body;
  }

  void finished(boolean reusable) {
    cancelAll();
    pool.release(lease.channel(), reusable);
  }

  void failed(OriginException cause) {
    cancelAll();
    if (response.isDone()) {
      body.failed(cause);
    } else if (lease.reused() && !receivedSomething && cause.kind() == OriginException.Kind.UNREACHABLE) {
      response.completeExceptionally(new StaleConnection(cause));
    } else {
      response.completeExceptionally(cause);
    }
  }

  /**
   * The exchange is over on its connection. The unclaimed-body watch stays: a body that arrived
   * whole (or failed) and that nobody takes still holds pooled buffers until it is given up.
   */
  private void cancelAll() {
    cancel(headDeadline);
    cancel(wholeDeadline);
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }

  OriginException badResponse(String message, Throwable cause) {
    return new OriginException(OriginException.Kind.BAD_RESPONSE, "origin " + origin + ": " + message, cause);
  }

  OriginException timeout(String message) {
    return new OriginException(OriginException.Kind.TIMEOUT, message);
  }

  OriginException unreachable(String message, Throwable cause) {
    return new OriginException(OriginException.Kind.UNREACHABLE, "origin " + origin + ": " + message, cause);
  }

  OriginException closedEarly(String message) {
    return new OriginException(OriginException.Kind.UNREACHABLE, "origin " + origin + ": " + message);
  }

  // --- the body's consumer, any thread --------------------------------------------------------

  @Override
  public void relayed() {
    Channel ch = lease.channel();
    // A relayed body is read at its client's pace: the whole-exchange deadline is a chunk's.
    ch.eventLoop().execute(() -> cancel(wholeDeadline));
  }

  @Override
  public void read() {
    Channel ch = lease.channel();
    if (ch.eventLoop().inEventLoop()) {
      handler.requestRead(this);
    } else {
      ch.eventLoop().execute(() -> handler.requestRead(this));
    }
  }

  @Override
  public void abandon(Throwable why) {
    Channel ch = lease.channel();
    OriginException cause =
        why instanceof OriginException oe ? oe : new OriginException(OriginException.Kind.UNREACHABLE, "the body was given up: " + why, why);
    if (ch.eventLoop().inEventLoop()) {
      handler.fail(this, cause);
    } else {
      ch.eventLoop().execute(() -> handler.fail(this, cause));
    }
  }
}

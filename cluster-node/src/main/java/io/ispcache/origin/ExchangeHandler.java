package io.ispcache.origin;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one exchange at a time on an origin connection, on its event loop: sends the request,
 * waits (bounded) for the final response head past at most {@link #MAX_INTERIM} interim answers,
 * then hands the body to the exchange's {@link OriginBody} as the consumer asks for it. Anything
 * the origin sends out of turn (between exchanges, or after a body's framed end) closes the
 * connection: it is reused only after a cleanly framed response with nothing left over.
 */
final class ExchangeHandler extends ChannelDuplexHandler {
  private static final Logger log = LoggerFactory.getLogger(ExchangeHandler.class);
  /** Interim (1xx) answers tolerated before the final one; an origin may not stall us with them. */
  static final int MAX_INTERIM = 8;
  /** Body pieces smaller than this are copied into a buffer of their own size. */
  private static final int SMALL_PIECE = 8 * 1024;

  private ChannelHandlerContext ctx;
  private Exchange current;
  private int interim;
  private boolean inBody;
  private boolean afterInterim;
  private long bodyBytes;
  /** When the body's last bytes came (or reading resumed). */
  private long lastRead;
  /** Reading is paused for the body's consumer: the idle clock stands still. */
  private boolean paused;
  private ScheduledFuture<?> idleCheck;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  private OriginCodec codec() {
    return ctx.pipeline().get(OriginCodec.class);
  }

  /** Starts {@code exchange} on this connection; false when the connection is closed or busy. */
  boolean start(Exchange exchange) {
    if (current != null || !ctx.channel().isActive()) {
      return false;
    }
    current = exchange;
    interim = 0;
    inBody = false;
    afterInterim = false;
    bodyBytes = 0;
    paused = false;
    ctx.channel().config().setAutoRead(true); // the head is read as it comes
    exchange.started(this);
    ctx.writeAndFlush(exchange.request())
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                fail(exchange, exchange.unreachable("could not send the request: " + f.cause(), f.cause()));
              }
            });
    return true;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Exchange x = current;
    if (x == null) {
      ReferenceCountUtil.release(msg);
      if (!(msg instanceof LastHttpContent l && l.content().readableBytes() == 0)) {
        log.warn("origin connection to {} sent data out of turn; closing it", ctx.channel().remoteAddress());
        ctx.close();
      }
      return;
    }
    x.receivedSomething();
    if (msg instanceof HttpResponse head) {
      onHead(x, head);
    }
    if (msg instanceof HttpContent content) {
      onContent(x, content);
    } else if (!(msg instanceof HttpResponse)) {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onHead(Exchange x, HttpResponse head) {
    if (inBody) {
      fail(x, x.badResponse("origin sent a second response head inside a body", null));
      return;
    }
    DecoderResult r = head.decoderResult();
    if (r.isFailure()) {
      fail(x, x.badResponse("malformed response head: " + r.cause().getMessage(), r.cause()));
      return;
    }
    int code = head.status().code();
    if (code < 100 || code > 599) {
      fail(x, x.badResponse("status " + code + " is not an HTTP status", null));
      return;
    }
    if (code < 200) {
      if (code == 101 || ++interim > MAX_INTERIM) {
        fail(x, x.badResponse(code == 101 ? "origin switched protocols" : "more than " + MAX_INTERIM + " interim responses", null));
      }
      afterInterim = true; // the decoder ends an interim head with an empty last content
      return;
    }
    afterInterim = false;
    inBody = true;
    paused = false;
    lastRead = System.nanoTime();
    x.head(head, HttpUtil.isKeepAlive(head));
    scheduleIdleCheck(x, x.idleNanos());
  }

  private void onContent(Exchange x, HttpContent content) {
    DecoderResult r = content.decoderResult();
    if (r.isFailure()) {
      content.release();
      fail(x, x.badResponse("malformed response body: " + r.cause().getMessage(), r.cause()));
      return;
    }
    if (!inBody) {
      content.release(); // the empty end of an interim head
      if (!afterInterim) {
        fail(x, x.badResponse("origin sent body bytes before a response head", null));
      }
      afterInterim = false;
      return;
    }
    ByteBuf bytes = content.content();
    bodyBytes += bytes.readableBytes();
    long expected = x.expectedBody();
    if (expected >= 0 && bodyBytes > expected) {
      content.release();
      fail(x, x.badResponse("origin sent more than the " + expected + " body bytes its answer stated", null));
      return;
    }
    lastRead = System.nanoTime();
    boolean last = content instanceof LastHttpContent;
    if (bytes.isReadable()) {
      // A small piece is copied out: queued as a slice it would pin its whole read buffer, and a
      // trickling origin could pin a buffer per byte before the queue counts as full.
      ByteBuf piece =
          bytes.readableBytes() < SMALL_PIECE
              ? ctx.alloc().directBuffer(bytes.readableBytes()).writeBytes(bytes)
              : bytes.retain();
      if (x.body().arrived(piece) && !last) {
        // The consumer has a full queue: no more reads until it took half of it.
        paused = true;
        ctx.channel().config().setAutoRead(false);
      }
    }
    content.release();
    if (last) {
      if (expected >= 0 && bodyBytes != expected) {
        fail(x, x.badResponse("origin sent " + bodyBytes + " body bytes where its answer stated " + expected, null));
        return;
      }
      finish(x);
    }
  }

  /** The body's framed end arrived: the connection serves the next exchange if it may. */
  private void finish(Exchange x) {
    current = null;
    inBody = false;
    cancelIdleCheck();
    ctx.channel().config().setAutoRead(true); // between exchanges: notice a close, or data out of turn
    // Back in the pool before the consumer hears of the end: its next fetch finds the connection.
    // Bytes already after the body (even part of a head) mean the origin talks out of turn.
    x.finished(x.keepAlive() && codec().pending() == 0);
    x.body().ended();
  }

  /** Fails {@code x} (if it is still this connection's exchange) and closes the connection. */
  void fail(Exchange x, OriginException cause) {
    if (current != x) {
      return;
    }
    current = null;
    inBody = false;
    cancelIdleCheck();
    ctx.close();
    x.failed(cause);
  }

  /** The consumer took enough: reading resumes, and the idle clock with it. */
  void requestRead(Exchange x) {
    if (current != x || !paused) {
      return;
    }
    paused = false;
    lastRead = System.nanoTime();
    ctx.channel().config().setAutoRead(true);
  }

  /** Fails the exchange when the origin sent nothing for the idle timeout while it was read. */
  private void scheduleIdleCheck(Exchange x, long delayNanos) {
    idleCheck =
        ctx.executor()
            .schedule(
                () -> {
                  idleCheck = null;
                  if (current != x) {
                    return;
                  }
                  long waited = paused ? 0 : System.nanoTime() - lastRead;
                  if (waited >= x.idleNanos()) {
                    fail(x, x.timeout("origin stalled mid-body for " + TimeUnit.NANOSECONDS.toMillis(waited) + " ms"));
                  } else {
                    scheduleIdleCheck(x, x.idleNanos() - waited);
                  }
                },
                delayNanos,
                TimeUnit.NANOSECONDS);
  }

  private void cancelIdleCheck() {
    if (idleCheck != null) {
      idleCheck.cancel(false);
      idleCheck = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    Exchange x = current;
    if (x != null) {
      fail(x, x.closedEarly(inBody ? "origin closed the connection mid-body after " + bodyBytes + " bytes" : "origin closed the connection before answering"));
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Exchange x = current;
    if (x != null) {
      fail(x, x.unreachable("origin connection failed: " + cause.getMessage(), cause));
    } else {
      log.debug("origin connection failed between exchanges", cause);
      ctx.close();
    }
  }
}

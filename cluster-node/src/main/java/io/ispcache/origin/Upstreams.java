package io.ispcache.origin;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import io.netty.resolver.AddressResolverGroup;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The origin client's transport: one Netty event-loop group sized to the cores (native epoll,
 * NIO where epoll is missing), and a bounded {@link UpstreamPool} per destination, created on
 * first use and retired once idle, so host names an attacker makes up do not pile up pools.
 */
final class Upstreams implements AutoCloseable {
  /** Longest response line and head an origin may send (nginx's proxy_buffer_size is 4-8 KiB). */
  static final int MAX_STATUS_LINE = 8 * 1024;
  static final int MAX_HEAD = 64 * 1024;
  /** Body bytes per decoded piece: the bytes of one socket read are handed on without a copy. */
  static final int MAX_PIECE = 256 * 1024;
  /** Fetches that may wait for a connection to one destination; more are refused at once. */
  static final int MAX_WAITING = 1024;

  /** Bytes one socket read takes at most: a fast origin's body comes in few, large pieces. */
  static final int READ_BYTES = 256 * 1024;

  /**
   * Socket read buffers: pooled direct memory in regions of 1 MiB (8 KiB pages, order 7), one
   * arena per event loop, so the origin client holds about what its bodies have queued.
   */
  private static final PooledByteBufAllocator BUFFERS =
      new PooledByteBufAllocator(true, 0, Math.max(1, Runtime.getRuntime().availableProcessors()), 8192, 7, 0, 0, false);

  /** The framing of every origin connection, with the limits above. */
  static OriginCodec codec() {
    return new OriginCodec(
        new HttpDecoderConfig()
            .setMaxInitialLineLength(MAX_STATUS_LINE)
            .setMaxHeaderSize(MAX_HEAD)
            .setMaxChunkSize(MAX_PIECE)
            .setAllowDuplicateContentLengths(false));
  }

  /** Where an exchange goes: an origin's host (or its upstream address), maybe through a proxy. */
  record Destination(String origin, InetSocketAddress connectTo, InetSocketAddress proxy) {}

  private final OriginSettings settings;
  private final EventLoopGroup group;
  private final Class<? extends Channel> channelType;
  private final Map<Destination, UpstreamPool> pools = new ConcurrentHashMap<>();
  private final ScheduledFuture<?> pruning;
  private final AtomicInteger connectionsOpened = new AtomicInteger();
  private final AtomicInteger connectionsOpen = new AtomicInteger();

  /** Host names are looked up here, with the JDK's resolver (hosts file, nsswitch), never on an event loop. */
  private final AddressResolverGroup<InetSocketAddress> resolver;
  /** Each origin's CONNECT proxy, looked up once at start (an operator's fixed setting). */
  private final Map<String, InetSocketAddress> proxies = new ConcurrentHashMap<>();

  Upstreams(OriginSettings settings, int threads, Executor lookups) {
    this.settings = settings;
    this.resolver = new BlockingLookups(lookups);
    for (Origin o : settings.origins()) {
      o.upstreamProxy().ifPresent(p -> proxies.put(o.name(), new InetSocketAddress(p.getHostString(), p.getPort())));
    }
    DefaultThreadFactory names = new DefaultThreadFactory("ispcache-origin", true);
    if (Epoll.isAvailable()) {
      group = new MultiThreadIoEventLoopGroup(threads, names, EpollIoHandler.newFactory());
      channelType = EpollSocketChannel.class;
    } else {
      group = new MultiThreadIoEventLoopGroup(threads, names, NioIoHandler.newFactory());
      channelType = NioSocketChannel.class;
    }
    long every = Math.max(100, Math.min(settings.idleTimeout().toMillis() / 2, 5_000));
    pruning = group.scheduleAtFixedRate(this::prune, every, every, TimeUnit.MILLISECONDS);
  }

  /** The destination of a fetch of {@code host} from {@code origin}. */
  static Destination destination(Origin origin, String host) {
    InetSocketAddress to =
        origin.upstreamAddress().orElseGet(() -> InetSocketAddress.createUnresolved(host, 80));
    return new Destination(origin.name(), to, origin.upstreamProxy().orElse(null));
  }

  UpstreamPool pool(Destination destination) {
    return pools.computeIfAbsent(destination, this::newPool);
  }

  private UpstreamPool newPool(Destination d) {
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(channelType)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()))
            .option(ChannelOption.ALLOCATOR, BUFFERS)
            .option(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(4096, 64 * 1024, READ_BYTES))
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            // Reads happen when a body's consumer has room (and between exchanges, to notice an
            // origin that closes or talks out of turn); never more than the consumer can take.
            .option(ChannelOption.AUTO_READ, true)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    connectionsOpened.incrementAndGet();
                    connectionsOpen.incrementAndGet();
                    ch.closeFuture().addListener(f -> connectionsOpen.decrementAndGet());
                    if (d.proxy() != null) {
                      // The origin's name stays unresolved, for the proxy to resolve.
                      HttpProxyHandler proxy =
                          new HttpProxyHandler(proxies.getOrDefault(d.origin(), d.proxy()));
                      proxy.setConnectTimeoutMillis(settings.connectTimeout().toMillis());
                      ch.pipeline().addLast("proxy", proxy);
                    }
                    ch.pipeline()
                        .addLast(
                            "codec", codec())
                        .addLast("exchange", new ExchangeHandler());
                  }
                });
    // The proxy resolves the origin's name (CONNECT carries it as given); else it is looked up off
    // the event loops, so a slow DNS server stalls only the fetches that wait for it.
    b.resolver(d.proxy() != null ? NoopAddressResolverGroup.INSTANCE : resolver);
    return new UpstreamPool(
        d,
        b,
        group.next(),
        settings.maxConnectionsPerHost(),
        MAX_WAITING,
        settings.responseTimeout().toNanos(),
        settings.idleTimeout().toNanos());
  }

  private void prune() {
    for (Map.Entry<Destination, UpstreamPool> e : pools.entrySet()) {
      UpstreamPool pool = e.getValue();
      pool.loop()
          .execute(
              () -> {
                if (pool.prune()) {
                  pools.remove(e.getKey(), pool);
                }
              });
    }
  }

  /** Destinations with a pool right now. */
  int poolCount() {
    return pools.size();
  }

  /** Connections open now. */
  int connectionsOpen() {
    return connectionsOpen.get();
  }

  /** Connections opened since the start. */
  int connectionsOpened() {
    return connectionsOpened.get();
  }

  EventLoopGroup group() {
    return group;
  }

  /** Closes every pool's idle connections and stops the event loops (exchanges in flight fail). */
  @Override
  public void close() {
    pruning.cancel(false);
    for (UpstreamPool pool : pools.values()) {
      pool.loop().execute(pool::close);
    }
    pools.clear();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Netty's resolver contract over the JDK's blocking lookups, run on a blocking-I/O executor. */
  private static final class BlockingLookups extends AddressResolverGroup<InetSocketAddress> {
    private final Executor lookups;

    BlockingLookups(Executor lookups) {
      this.lookups = lookups;
    }

    @Override
    protected io.netty.resolver.AddressResolver<InetSocketAddress> newResolver(io.netty.util.concurrent.EventExecutor loop) {
      return new io.netty.resolver.InetNameResolver(loop) {
        @Override
        protected void doResolve(String host, io.netty.util.concurrent.Promise<java.net.InetAddress> promise) {
          java.net.InetAddress literal = io.netty.util.NetUtil.createInetAddressFromIpAddressString(host);
          if (literal != null) {
            // An address (upstream-address is usually one): nothing to look up, and no wait behind
            // the blocking-I/O executor's disk writes, which counted against the connect timeout.
            promise.trySuccess(literal);
            return;
          }
          lookups.execute(() -> {
            try {
              promise.trySuccess(java.net.InetAddress.getByName(host));
            } catch (java.net.UnknownHostException | RuntimeException e) {
              promise.tryFailure(e);
            }
          });
        }

        @Override
        protected void doResolveAll(String host, io.netty.util.concurrent.Promise<java.util.List<java.net.InetAddress>> promise) {
          java.net.InetAddress literal = io.netty.util.NetUtil.createInetAddressFromIpAddressString(host);
          if (literal != null) {
            promise.trySuccess(java.util.List.of(literal));
            return;
          }
          lookups.execute(() -> {
            try {
              promise.trySuccess(java.util.List.of(java.net.InetAddress.getAllByName(host)));
            } catch (java.net.UnknownHostException | RuntimeException e) {
              promise.tryFailure(e);
            }
          });
        }
      }.asAddressResolver();
    }
  }
}

package io.ispcache.origin;

import static io.ispcache.origin.OriginClientTest.await;
import static io.ispcache.origin.OriginClientTest.body;
import static io.ispcache.origin.OriginClientTest.failure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.testing.TestContent;
import io.ispcache.testing.TestOrigin;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Origins behind an ISP's CONNECT proxy: reached through it with the same client, or refused clearly. */
class UpstreamProxyTest {

  @BeforeAll
  static void start() {
    OriginClientTest.start();
  }

  @AfterAll
  static void stop() {
    OriginClientTest.stop();
  }

  /** A CONNECT proxy on 127.0.0.1 that tunnels every CONNECT to one local port (or refuses), noting the targets. */
  static final class ConnectProxy implements AutoCloseable {
    final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    final List<String> targets = new CopyOnWriteArrayList<>();

    private final int tunnelTo;

    ConnectProxy(boolean refuse, int tunnelTo) throws IOException {
      this.tunnelTo = tunnelTo;
      Thread t = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            Socket client = server.accept();
            Thread h = new Thread(() -> tunnel(client, refuse));
            h.setDaemon(true);
            h.start();
          } catch (IOException e) {
            return;
          }
        }
      });
      t.setDaemon(true);
      t.start();
    }

    private void tunnel(Socket client, boolean refuse) {
      try (client) {
        InputStream in = client.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
          int c = in.read();
          if (c < 0) {
            return;
          }
          head.append((char) c);
        }
        String target = head.toString().split(" ")[1];
        targets.add(target);
        OutputStream out = client.getOutputStream();
        if (refuse) {
          out.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          return;
        }
        try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), tunnelTo)) {
          out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          Thread back = new Thread(() -> pipe(upstream, client));
          back.setDaemon(true);
          back.start();
          pipe(client, upstream);
        }
      } catch (IOException e) {
        // either side went away
      }
    }

    private static void pipe(Socket from, Socket to) {
      try {
        from.getInputStream().transferTo(to.getOutputStream());
      } catch (IOException e) {
        // closed
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  static OriginClient viaProxy(int proxyPort) {
    Origin origin = proxied(proxyPort);
    OriginSettings s = new OriginSettings(List.of(origin), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(2), 4, Duration.ofSeconds(30));
    return new OriginClient(s, OriginClientTest.fillThreads, OriginClientTest.mat);
  }

  static Origin proxied(int proxyPort) {
    return new Origin(
        "proxied",
        List.of(new HostPattern("localhost")),
        Optional.empty(),
        Optional.of(InetSocketAddress.createUnresolved("127.0.0.1", proxyPort)),
        true,
        false);
  }

  @Test
  void rangesComeThroughTheProxyTunnelNamedByHostAndPort() throws Exception {
    try (TestOrigin origin = new TestOrigin();
        ConnectProxy proxy = new ConnectProxy(false, origin.port());
        OriginClient c = viaProxy(proxy.server.getLocalPort())) {
      origin.put("/p.bin", 300_000, 9, "application/octet-stream", "\"p\"", null);
      OriginRequest r = new OriginRequest(proxied(proxy.server.getLocalPort()), "localhost", "/p.bin", 1000, 200_999);
      for (int i = 0; i < 2; i++) {
        OriginReply.Bytes bytes = (OriginReply.Bytes) await(c.fetch(r));
        assertArrayEquals(TestContent.bytes(9, 1000, 200_000), body(bytes).toArray());
      }
      // The proxy resolves the name: the client asks for the host as given, port 80, once (the
      // tunnel is a pooled connection like any other).
      assertEquals(List.of("localhost:80"), proxy.targets);
    }
  }

  @Test
  void aProxyThatRefusesTheTunnelIsAQuickBadGateway() throws Exception {
    try (ConnectProxy proxy = new ConnectProxy(true, 0);
        OriginClient c = viaProxy(proxy.server.getLocalPort())) {
      OriginRequest r = new OriginRequest(proxied(proxy.server.getLocalPort()), "localhost", "/p.bin", 0, 99);
      OriginException e = failure(c.fetch(r));
      assertEquals(502, e.status());
      assertTrue(e.getMessage().contains("403") || e.getMessage().toLowerCase().contains("proxy"), e.getMessage());
    }
  }
}

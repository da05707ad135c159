package io.ispcache.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the processes a run starts (nginx and nodes take their ports from their config, so
 * port 0 cannot be used): below the kernel's ephemeral range, as the node's forked tests take
 * them, because a port from that range can become the source port of one of the thousands of
 * connections a load run opens before the process binds it. Never the same port twice.
 */
final class FreePorts {
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  static int next() throws IOException {
    int below = ephemeralStart();
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = 10_000 + ThreadLocalRandom.current().nextInt(below - 10_000);
      if (!HANDED_OUT.add(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress("127.0.0.1", port));
        return port;
      } catch (IOException taken) {
        // in use: another
      }
    }
    throw new IOException("no free port found below " + below);
  }

  private static int ephemeralStart() {
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
      int start = Integer.parseInt(range.split("\\s+")[0]);
      return start > 12_000 ? start : 32_768;
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }
}

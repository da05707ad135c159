package io.ispcache.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Debian's nginx on 127.0.0.1, in one of two roles: the origin of a local run (serving the
 * generated objects with a day's lifetime, as the Microsoft CDNs state one, and logging the body
 * bytes of every answer so the run can tell what the cache cost the origin), or the cache ISPs run
 * today, {@code proxy_cache} with {@code slice 1m} as in LanCache, to compare the node with under
 * the same simulation.
 */
final class Nginx implements AutoCloseable {
  private final Process process;
  private final Path accessLog;
  private final Path errorLog;
  final int port;

  private Nginx(Process process, Path accessLog, Path errorLog, int port) {
    this.process = process;
    this.accessLog = accessLog;
    this.errorLog = errorLog;
    this.port = port;
  }

  /** The origin: serves {@code root}, counts its body bytes. */
  static Nginx origin(Path root, Path work) throws IOException {
    int port = FreePorts.next();
    Path dir = Files.createDirectories(work.resolve("origin"));
    return start(dir, port, true, List.of(
        "worker_processes 1;",
        "events { worker_connections 1024; }",
        "http {",
        "  sendfile on; tcp_nodelay on;",
        "  log_format bytes '$body_bytes_sent';",
        "  access_log " + dir.resolve("access.log") + " bytes;",
        "  server {",
        "    listen 127.0.0.1:" + port + ";",
        "    root " + root.toAbsolutePath() + ";",
        "    location / { add_header Cache-Control \"public, max-age=86400\"; }",
        "  }",
        "}"));
  }

  /** nginx proxy_cache with slice 1m in front of {@code originPort} (load-tests/dataplane/run.sh's "slice"). */
  static Nginx sliceCache(int originPort, long cacheSize, Path work) throws IOException {
    int port = FreePorts.next();
    Path dir = Files.createDirectories(work.resolve("nginx-slice"));
    return start(dir, port, false, List.of(
        "worker_processes 2;",
        "events { worker_connections 4096; }",
        "http {",
        "  sendfile on; tcp_nodelay on; access_log off;",
        "  proxy_cache_path " + dir.resolve("cache") + " levels=1:2 keys_zone=s:64m max_size=" + cacheSize / (1 << 20) + "m inactive=1d use_temp_path=off;",
        "  server {",
        "    listen 127.0.0.1:" + port + ";",
        "    location / {",
        "      slice 1m; proxy_pass http://127.0.0.1:" + originPort + "; proxy_cache s; proxy_cache_key $uri$slice_range;",
        "      proxy_set_header Range $slice_range; proxy_cache_lock on; proxy_cache_lock_timeout 60s;",
        "      proxy_cache_valid 200 206 1d; proxy_http_version 1.1; proxy_set_header Connection \"\";",
        "    }",
        "  }",
        "}"));
  }

  private static Nginx start(Path dir, int port, boolean counts, List<String> config) throws IOException {
    Path nginx = List.of(Path.of("/usr/sbin/nginx"), Path.of("/usr/bin/nginx")).stream().filter(Files::isExecutable).findFirst().orElse(null);
    if (nginx == null) {
      throw new IllegalStateException("a local run needs nginx: apt-get install nginx-light (bin/test installs it)");
    }
    Path error = dir.resolve("error.log");
    Path conf = dir.resolve("nginx.conf");
    StringBuilder text = new StringBuilder("pid " + dir.resolve("nginx.pid") + ";\nerror_log " + error + ";\n");
    config.forEach(l -> text.append(l).append('\n'));
    Files.writeString(conf, text);
    Process p = new ProcessBuilder(nginx.toString(), "-e", error.toString(), "-p", dir.toString(), "-c", conf.toString(), "-g", "daemon off;")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("nginx.out").toFile())
        .start();
    Nginx server = new Nginx(p, counts ? dir.resolve("access.log") : null, error, port);
    try {
      server.awaitAnswering(Duration.ofSeconds(20));
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private void awaitAnswering(Duration deadline) throws IOException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long end = System.nanoTime() + deadline.toNanos();
    while (System.nanoTime() < end) {
      if (!process.isAlive()) {
        throw new IllegalStateException("nginx exited with " + process.exitValue() + ": " + (Files.exists(errorLog) ? Files.readString(errorLog) : ""));
      }
      try {
        client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding());
        return;
      } catch (IOException notYet) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    throw new IllegalStateException("nginx did not answer on 127.0.0.1:" + port + " within " + deadline);
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Body bytes sent so far (the origin's access log; nginx writes each line as it answers). */
  long bytesSent() {
    try {
      long sum = 0;
      for (String line : Files.readAllLines(accessLog, StandardCharsets.US_ASCII)) {
        if (!line.isBlank()) {
          sum += Long.parseLong(line.trim());
        }
      }
      return sum;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the origin's access log", e);
    }
  }

  @Override
  public void close() {
    process.destroy(); // SIGTERM: nginx's fast shutdown
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

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
 * The origin of a local run: Debian's nginx on 127.0.0.1 serving the generated objects with a
 * day's lifetime, as the Microsoft CDNs state one, and logging the body bytes of every answer so
 * the run can tell what the cache cost the origin.
 */
final class NginxOrigin implements AutoCloseable {
  private final Process process;
  private final Path accessLog;
  private final Path errorLog;
  final int port;

  private NginxOrigin(Process process, Path accessLog, Path errorLog, int port) {
    this.process = process;
    this.accessLog = accessLog;
    this.errorLog = errorLog;
    this.port = port;
  }

  static NginxOrigin start(Path root, Path work) throws IOException {
    Path nginx = List.of(Path.of("/usr/sbin/nginx"), Path.of("/usr/bin/nginx")).stream().filter(Files::isExecutable).findFirst().orElse(null);
    if (nginx == null) {
      throw new IllegalStateException("a local run needs nginx as its origin: apt-get install nginx-light (bin/test installs it)");
    }
    Path dir = Files.createDirectories(work.resolve("origin"));
    int port = FreePorts.next();
    Path access = dir.resolve("access.log");
    Path error = dir.resolve("error.log");
    Files.writeString(
        dir.resolve("nginx.conf"),
        String.join(
            "\n",
            "worker_processes 1;",
            "pid " + dir.resolve("nginx.pid") + ";",
            "error_log " + error + ";",
            "events { worker_connections 1024; }",
            "http {",
            "  sendfile on; tcp_nodelay on;",
            "  log_format bytes '$body_bytes_sent';",
            "  access_log " + access + " bytes;",
            "  server {",
            "    listen 127.0.0.1:" + port + ";",
            "    root " + root.toAbsolutePath() + ";",
            "    location / { add_header Cache-Control \"public, max-age=86400\"; }",
            "  }",
            "}",
            ""));
    Process p = new ProcessBuilder(nginx.toString(), "-e", error.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(), "-g", "daemon off;")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("nginx.out").toFile())
        .start();
    NginxOrigin origin = new NginxOrigin(p, access, error, port);
    origin.awaitAnswering(Duration.ofSeconds(20));
    return origin;
  }

  private void awaitAnswering(Duration deadline) throws IOException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long end = System.nanoTime() + deadline.toNanos();
    while (System.nanoTime() < end) {
      if (!process.isAlive()) {
        throw new IllegalStateException("nginx exited with " + process.exitValue() + ": " + Files.readString(errorLog));
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

  /** Body bytes the origin has sent so far (its access log; nginx writes each line as it answers). */
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

  /** Requests the origin has answered so far. */
  long requests() {
    try (var lines = Files.lines(accessLog, StandardCharsets.US_ASCII)) {
      return lines.filter(l -> !l.isBlank()).count();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the origin's access log", e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM: nginx's fast shutdown
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}

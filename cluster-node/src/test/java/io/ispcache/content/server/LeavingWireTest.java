package io.ispcache.content.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.stream.Materializer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The content port while its node leaves (issue 16, item 3): no new request is taken, and once the
 * drain time is over a response ends at its next part (chunk) boundary.
 */
class LeavingWireTest {
  static final String GET = "GET /parts HTTP/1.1\r\nHost: a\r\n\r\n";
  static final int PART = 256 * 1024;
  static ActorTestKit kit;
  @TempDir static Path dir;
  static byte[] bytes;
  static Path file;
  ContentServer server;
  /** What the second part opens to; completed by the test. */
  CompletableFuture<FilePart.Body> second;
  CompletableFuture<Void> secondAsked;

  @BeforeAll
  static void startKit() throws IOException {
    kit = ActorTestKit.create();
    bytes = new byte[3 * PART];
    new Random(16).nextBytes(bytes);
    file = Files.write(dir.resolve("chunks"), bytes);
  }

  @AfterAll
  static void stopKit() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void bind() throws IOException {
    second = new CompletableFuture<>();
    secondAsked = new CompletableFuture<>();
    server = ContentServer.bind("127.0.0.1", 0, new ThreeParts(), Materializer.matFromSystem(kit.system()),
        new ContentServer.Limits(Duration.ofSeconds(60), Duration.ofSeconds(30), 100, "ispcache"));
  }

  @AfterEach
  void stop() {
    server.terminate().toCompletableFuture().join();
  }

  /** "/parts": three parts of the file, the second opened only when the test says so. */
  final class ThreeParts implements ContentHandler {
    @Override
    public FileResponse direct(RequestHead head, InetSocketAddress client) {
      return FileResponse.of(200, List.of(), List.of(part(0, () -> region(0)), part(1, () -> {
        secondAsked.complete(null);
        return second;
      }), part(2, () -> region(2))), () -> {});
    }

    @Override
    public CompletionStage<Answer> handle(HttpRequest request) {
      return CompletableFuture.completedFuture(new Answer.Http(HttpResponse.create().withEntity("hello")));
    }
  }

  static CompletionStage<FilePart.Body> region(int index) {
    try {
      return CompletableFuture.completedFuture(new FilePart.Region(FileChannel.open(file, StandardOpenOption.READ), (long) index * PART));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static FilePart part(int index, java.util.function.Supplier<CompletionStage<FilePart.Body>> open) {
    return new FilePart() {
      @Override
      public long length() {
        return PART;
      }

      @Override
      public CompletionStage<Body> open() {
        return open.get();
      }

      @Override
      public void sent(long n) {}
    };
  }

  int port() {
    return server.localAddress().getPort();
  }

  @Test
  void aRequestOnAConnectionKeptOpenFromBeforeTheLeaveIsAnswered503WithRetryAfterAndNewConnectionsAreRefused() throws Exception {
    second.complete(region(1).toCompletableFuture().join());
    int port = port();
    try (RawHttp kept = new RawHttp(port)) {
      RawHttp.Response before = kept.send(GET).read();
      assertEquals(200, before.status());
      assertArrayEquals(bytes, before.body());
      server.unbind().toCompletableFuture().join();
      RawHttp.Response leaving = kept.send(GET).read();
      assertEquals(503, leaving.status());
      assertEquals("60", leaving.header("retry-after"));
      assertEquals("close", leaving.header("connection"));
      assertTrue(leaving.text().contains("\"error\":\"leaving\""), leaving.text());
      assertTrue(kept.closedByServer());
    }
    assertThrows(java.net.ConnectException.class, () -> new RawHttp(port), "the port no longer takes connections");
  }

  @Test
  void onceTheDrainTimeIsOverAResponseEndsWithItsConnectionAfterTheWholePartItIsSending() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      c.send(GET);
      secondAsked.get(10, java.util.concurrent.TimeUnit.SECONDS);
      // The first part is sent and the second waits for its bytes when the drain time ends.
      server.cutAtPartBoundaries();
      second.complete(region(1).toCompletableFuture().join());
      RawHttp.Response cut = c.read(false);
      assertEquals(200, cut.status());
      assertEquals(String.valueOf(3 * PART), cut.header("content-length"));
      assertEquals(2 * PART, cut.body().length, "ended after the part it was sending, not in it or after the third");
      assertArrayEquals(Arrays.copyOf(bytes, 2 * PART), cut.body());
      assertTrue(c.closedByServer());
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> server.connections() == 0);
  }
}

package io.ispcache.node;

import io.ispcache.testing.TestOrigin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A test origin on 127.0.0.1, one in-process node in front of it, and an HTTP/1.1 client: what
 * the content tests start once per class.
 */
public record NodeAndOrigin(TestOrigin origin, InProcessNode node, HttpClient http) implements AutoCloseable {

  /** {@code extra}: HOCON overriding the node's test defaults. */
  public static NodeAndOrigin start(Path dataDir, String extra) throws IOException {
    TestOrigin origin = new TestOrigin();
    try {
      InProcessNode node = InProcessNode.start(dataDir, origin.port(), extra);
      return new NodeAndOrigin(
          origin, node, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build());
    } catch (RuntimeException e) {
      origin.close();
      throw e;
    }
  }

  /** {@code method} of {@code uri} with header name/value pairs, the body read whole. */
  public HttpResponse<byte[]> send(String method, URI uri, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Override
  public void close() {
    try {
      node.close();
    } finally {
      origin.close();
    }
  }
}

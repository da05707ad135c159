package io.ispcache.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ispcache.node.InProcessNode;
import io.ispcache.settings.Pkcs12;
import io.ispcache.testing.TestKeystores;
import io.ispcache.testing.TestOrigin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin port over HTTPS, end to end: the API, and a cache node's agent activating and reporting through it. */
class AdminHttpsTest {
  static final String OP = "operator-key-for-https-tests-0123";
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void adminApiAndAgentHeartbeatsGoOverHttpsWithModernTlsOnly(@TempDir Path dir) throws Exception {
    TestKeystores tls = TestKeystores.create(dir, "admin");
    SSLContext trusting = Pkcs12.clientContext("test", tls.truststore, TestKeystores.PASSWORD.toCharArray());
    HttpClient https = HttpClient.newBuilder().sslContext(trusting).build();
    try (TestOrigin origin = new TestOrigin()) {
      String adminConf = "akka.cluster.roles = [\"admin\"]\nispcache.admin { interface = \"127.0.0.1\", port = 0"
          + ", operator-key = \"" + OP + "\", tls { keystore = \"" + tls.keystore + "\", keystore-password = \"" + TestKeystores.PASSWORD + "\" } }\n";
      try (InProcessNode admin = InProcessNode.startWithoutContent(dir.resolve("admin"), origin.port(), adminConf)) {
        int adminPort = admin.node().adminPort();
        URI api = URI.create("https://127.0.0.1:" + adminPort + "/api/v1");
        await().atMost(Duration.ofSeconds(60)).until(() -> send(https, "GET", URI.create(api + "/customers"), OP, null).statusCode() == 200);

        HttpResponse<String> listed = send(https, "GET", URI.create(api + "/customers"), OP, null);
        assertEquals("TLSv1.3", listed.sslSession().orElseThrow().getProtocol(), "the client's best protocol is spoken");
        assertThrows(IOException.class, () -> send(HttpClient.newHttpClient(), "GET", URI.create("http://127.0.0.1:" + adminPort + "/api/v1/customers"), OP, null),
            "no plain HTTP answer on the HTTPS port");
        assertThrows(IOException.class, () -> send(HttpClient.newHttpClient(), "GET", URI.create(api + "/customers"), OP, null),
            "a client that does not trust the certificate gets no answer");
        SSLParameters cbc = new SSLParameters(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"}, new String[] {"TLSv1.2"});
        assertThrows(IOException.class, () -> send(HttpClient.newBuilder().sslContext(trusting).sslParameters(cbc).build(), "GET", URI.create(api + "/customers"), OP, null),
            "TLS 1.2 with a CBC suite is refused");

        String customer = json(send(https, "POST", URI.create(api + "/customers"), OP, "{\"name\":\"Tls ISP\"}")).get("id").asText();
        String key = json(send(https, "POST", URI.create(api + "/customers/" + customer + "/keys"), OP, null)).get("apiKey").asText();
        String resource = json(send(https, "POST", URI.create(api + "/resources"), key, "{\"name\":\"main\"}")).get("id").asText();
        JsonNode keys = json(send(https, "POST", URI.create(api + "/nodes"), key,
            "{\"resourceId\":\"" + resource + "\",\"name\":\"tlsedge\",\"serverIp\":\"20.42.0.1\",\"cidrBlocks\":\"46.2.0.0/24\"}")).get("activationKeys");
        String agent = "ispcache.agent { registry-url = \"https://127.0.0.1:" + adminPort + "\", customer-id = \"" + keys.get("customerId").asText()
            + "\", cache-node-id = \"" + keys.get("cacheNodeId").asText() + "\", node-key = \"" + keys.get("nodeKey").asText() + "\", heartbeat-interval = 200ms %s }\n";

        CompletionException untrusted = assertThrows(CompletionException.class,
            () -> InProcessNode.start(dir.resolve("untrusting"), origin.port(), String.format(agent, "")));
        assertTrue(untrusted.getCause().getMessage().contains("did not pass the TLS check")
            && untrusted.getCause().getMessage().contains("ispcache.agent.trust-store"), untrusted.getCause().getMessage());

        String trustStore = ", trust-store = \"" + tls.truststore + "\", trust-store-password = \"" + TestKeystores.PASSWORD + "\"";
        try (InProcessNode edge = InProcessNode.start(dir.resolve("edge"), origin.port(), String.format(agent, trustStore))) {
          await().atMost(Duration.ofSeconds(30)).until(
              () -> !json(send(https, "GET", URI.create(api + "/steer?clientIp=46.2.0.7"), OP, null)).get("useCdn").asBoolean());
          JsonNode steer = json(send(https, "GET", URI.create(api + "/steer?clientIp=46.2.0.7"), OP, null));
          assertEquals("20.42.0.1", steer.get("nodes").get(0).get("serverIp").asText(), "steered to after heartbeats over HTTPS");
        }
      }
    }
  }

  static HttpResponse<String> send(HttpClient client, String method, URI uri, String key, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + key);
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return client.send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) throws IOException {
    assertTrue(r.statusCode() < 300, r.statusCode() + " " + r.body());
    return JSON.readTree(r.body());
  }
}

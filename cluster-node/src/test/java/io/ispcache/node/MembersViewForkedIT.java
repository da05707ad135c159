package io.ispcache.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ispcache.testing.NodeProcess;
import io.ispcache.testing.TestContent;
import io.ispcache.testing.TestOrigin;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, item 5: the admin API's membership view (GET /api/v1/cluster/members) gives every
 * member's health, shards, entities and reachability, and while a member is paused (SIGSTOP) it
 * still answers at once, marked partial, with that member's figures null.
 */
class MembersViewForkedIT {
  static final String HOST = "origin.example.net";
  static final String OP = "operator-key-for-members-tests-012345";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  TestOrigin origin;
  NodeProcess a;
  NodeProcess b;
  int adminA;
  int contentA;
  String addressB;

  @BeforeEach
  void startTwoNodes() throws Exception {
    origin = new TestOrigin();
    int one = NodeProcess.freePort();
    int other = NodeProcess.freePort();
    int seedPort = Math.min(one, other); // A's: with two nodes in halves keep-majority keeps A's
    int remoteB = Math.max(one, other);
    addressB = "akka://ispcache@127.0.0.1:" + remoteB;
    adminA = NodeProcess.freePort();
    contentA = NodeProcess.freePort();
    int healthA = NodeProcess.freePort();
    int healthB = NodeProcess.freePort();
    a = start("a", seedPort, seedPort, contentA, healthA, "[\"cache\", \"admin\"]");
    b = start("b", remoteB, seedPort, NodeProcess.freePort(), healthB, "[\"cache\"]");
    a.awaitHealthy(URI.create("http://127.0.0.1:" + healthA + "/health"), Duration.ofSeconds(90));
    b.awaitHealthy(URI.create("http://127.0.0.1:" + healthB + "/health"), Duration.ofSeconds(90));
  }

  NodeProcess start(String name, int remote, int seedPort, int content, int health, String roles) throws Exception {
    Path conf = dir.resolve(name + ".conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "ispcache.data-dir = \"" + dir.resolve(name) + "\"",
            "ispcache.content { interface = \"127.0.0.1\", port = " + content + " }",
            "ispcache.health { interface = \"127.0.0.1\", port = " + health + " }",
            "ispcache.peer { interface = \"127.0.0.1\", port = " + NodeProcess.freePort() + " }",
            "ispcache.admin { interface = \"127.0.0.1\", port = " + adminA + ", operator-key = \"" + OP + "\" }",
            "ispcache.store.drives = [ { path = ${ispcache.data-dir}\"/drive-1\", size = 1GiB } ]",
            "ispcache.origins = [ { name = \"test\", hosts = [\"" + HOST + "\"], upstream-address = \"127.0.0.1:" + origin.port() + "\" } ]",
            "akka.management.http { hostname = \"127.0.0.1\", port = " + NodeProcess.freePort() + " }",
            "akka.remote.artery.canonical { hostname = \"127.0.0.1\", port = " + remote + " }",
            "akka.cluster.roles = " + roles,
            "akka.cluster.seed-nodes = [\"akka://ispcache@127.0.0.1:" + seedPort + "\"]",
            // The pause is over well before B could be downed (keep-majority would down B, the
            // half with the higher address), however slow a loaded machine makes the test.
            "akka.cluster.split-brain-resolver.stable-after = 60s"));
    return NodeProcess.start(conf, NodeProcess.logFile("MembersViewForkedIT-" + name), "-Xmx384m");
  }

  @AfterEach
  void stop() throws Exception {
    if (b != null && b.isAlive()) {
      b.thaw(); // a stopped process ends on SIGKILL as well; thawed, its log ends cleanly
    }
    for (NodeProcess p : new NodeProcess[] {a, b}) {
      if (p != null) {
        p.close();
      }
    }
    if (origin != null) {
      origin.close();
    }
  }

  JsonNode members() throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + adminA + "/api/v1/cluster/members").toURL().openConnection();
    c.setRequestProperty("Authorization", "Bearer " + OP);
    c.setConnectTimeout(2000);
    c.setReadTimeout(10_000);
    assertEquals(200, c.getResponseCode());
    try (InputStream in = c.getInputStream()) {
      return JSON.readTree(in);
    }
  }

  JsonNode member(JsonNode answer, String address) {
    for (JsonNode m : answer.get("members")) {
      if (m.get("address").asText().equals(address)) {
        return m;
      }
    }
    throw new AssertionError(address + " is not in " + answer);
  }

  JsonNode membersQuietly() {
    try {
      return members();
    } catch (IOException | AssertionError notYet) {
      return null; // the admin API not bound yet, or not answering 200 yet
    }
  }

  @Test
  void membersAreAnsweredWithHealthShardsAndEntitiesAndPartiallyWhileOneIsPaused() throws Exception {
    // An object served through A brings its entity to life on one of the two members.
    origin.put("/m/one.bin", 100_000, 1701, "application/octet-stream", "\"m\"", null);
    HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + contentA + "/m/one.bin?cacheHostOrigin=" + HOST)
        .toURL().openConnection();
    assertEquals(200, c.getResponseCode());
    try (InputStream in = c.getInputStream()) {
      TestContent.assertSameBytes(in, 1701, 0, 100_000);
    }
    awaitUntil(() -> {
      JsonNode all = membersQuietly();
      if (all == null || all.get("partial").asBoolean() || all.get("members").size() != 2) {
        return false;
      }
      int entities = 0;
      for (JsonNode m : all.get("members")) {
        if (!m.get("healthy").asBoolean() || !m.get("reachable").asBoolean() || !m.get("shards").isInt()) {
          return false;
        }
        entities += m.get("entities").asInt();
      }
      return entities >= 1;
    }, Duration.ofSeconds(30), "the members never all answered, with the object's entity");

    b.freeze();
    long asked = System.nanoTime();
    JsonNode paused = members();
    long millis = (System.nanoTime() - asked) / 1_000_000;
    System.out.println("members with " + addressB + " paused, answered in " + millis + " ms: " + paused);
    assertTrue(millis < 6_000, "the answer took " + millis + " ms with a member paused");
    assertTrue(paused.get("partial").asBoolean(), paused.toString());
    JsonNode silent = member(paused, addressB);
    assertTrue(silent.get("shards").isNull(), silent.toString());
    assertTrue(silent.get("entities").isNull(), silent.toString());
    assertTrue(silent.get("healthy").isNull(), silent.toString());
    assertEquals("Up", silent.get("status").asText());
    JsonNode self = paused.get("members").get(0).get("address").asText().equals(addressB)
        ? paused.get("members").get(1) : paused.get("members").get(0);
    assertTrue(self.get("healthy").asBoolean(), self.toString());
    assertTrue(self.get("shards").isInt(), self.toString());
    // Once the failure detector has noticed, the member is also shown unreachable.
    awaitUntil(() -> {
      JsonNode all = membersQuietly();
      return all != null && all.get("partial").asBoolean() && !member(all, addressB).get("reachable").asBoolean();
    }, Duration.ofSeconds(30), "the paused member was never shown unreachable");

    b.thaw();
    awaitUntil(() -> {
      JsonNode all = membersQuietly();
      return all != null && !all.get("partial").asBoolean() && member(all, addressB).get("reachable").asBoolean()
          && member(all, addressB).get("shards").isInt();
    }, Duration.ofSeconds(30), "the member's figures did not come back after it was thawed");
    assertFalse(members().get("partial").asBoolean());
  }

  static void awaitUntil(java.util.function.BooleanSupplier condition, Duration deadline, String failure) {
    org.awaitility.Awaitility.await(failure)
        .atMost(deadline)
        .pollInterval(Duration.ofMillis(200))
        .until(condition::getAsBoolean);
  }
}

package io.ispcache.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.management.javadsl.AkkaManagement;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Akka Management as the production template configures it (only addresses and ports replaced):
 * membership can be read, and nobody who reaches the port can make a member leave or down it.
 */
class ManagementReadOnlyTest {
  static ActorSystem<Void> system;
  static String base;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() {
    Config template = ConfigFactory.parseFile(Path.of("..", "config", "production.conf").toFile());
    Config local =
        ConfigFactory.parseString(
            String.join(
                "\n",
                "akka.remote.artery.canonical { hostname = \"127.0.0.1\", port = 0 }",
                "akka.management.http { hostname = \"127.0.0.1\", port = 0 }",
                "akka.cluster.seed-nodes = []",
                "akka.loglevel = WARNING"));
    Config config = NodeConfig.load(local.withFallback(template));
    system = ActorSystem.create(Behaviors.empty(), "ispcache", config);
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> cluster.selfMember().status() == MemberStatus.up());
    base = AkkaManagement.get(system.classicSystem()).start().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join().toString();
  }

  @AfterAll
  static void stop() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
  }

  @Test
  void membersAreListedButNoMemberCanBeMadeToJoinLeaveOrBeDowned() throws Exception {
    HttpResponse<String> list = send(HttpRequest.newBuilder(URI.create(base + "/cluster/members")).GET());
    assertEquals(200, list.statusCode(), list.body());

    String self = URLEncoder.encode(Cluster.get(system).selfMember().address().toString(), StandardCharsets.UTF_8);
    URI member = URI.create(base + "/cluster/members/" + self);
    HttpResponse<String> leave =
        send(HttpRequest.newBuilder(member)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .PUT(HttpRequest.BodyPublishers.ofString("operation=Leave")));
    HttpResponse<String> down =
        send(HttpRequest.newBuilder(member)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .PUT(HttpRequest.BodyPublishers.ofString("operation=Down")));
    HttpResponse<String> delete = send(HttpRequest.newBuilder(member).DELETE());
    HttpResponse<String> join =
        send(HttpRequest.newBuilder(URI.create(base + "/cluster/members"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("address=" + self)));
    for (HttpResponse<String> write : java.util.List.of(leave, down, delete, join)) {
      assertTrue(write.statusCode() >= 400, write.request().method() + " answered " + write.statusCode() + ": " + write.body());
    }
    assertEquals(MemberStatus.up(), Cluster.get(system).selfMember().status(), "the member is still up");
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }
}

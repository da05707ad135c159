package io.ispcache.registry;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.pattern.StatusReply;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ispcache.jdbc.RegistryDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Function;

/** A registry on a real database (embedded H2 file, or a fresh PostgreSQL database). */
final class RegistryHarness implements AutoCloseable {
  final ActorTestKit kit;
  final ActorRef<Registry.Command> registry;

  RegistryHarness(Config db) throws Exception {
    Config config =
        db.withFallback(ConfigFactory.parseString("akka.loglevel = WARNING"))
            .withFallback(ConfigFactory.parseResources("ispcache-persistence.conf"))
            .withFallback(ConfigFactory.defaultReference())
            .resolve();
    RegistryDatabase.fromConfig(config).createTablesIfAbsent();
    kit = ActorTestKit.create(config);
    registry = kit.spawn(Registry.create(s -> {}, false));
  }

  static Config h2(Path dir) {
    return ConfigFactory.parseString("ispcache.data-dir = \"" + dir + "\"");
  }

  /** Creates a uniquely named database on the local PostgreSQL; fails if PostgreSQL is not there. */
  static String createPostgresDatabase() throws Exception {
    String name = "ispcache_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    return name;
  }

  static void dropPostgresDatabase(String name) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
        Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }

  static Config postgres(String database) {
    return ConfigFactory.parseString(
        "ispcache.data-dir = \"/nonexistent\"\n"
            + "akka-persistence-jdbc.shared-databases.registry {\n"
            + "  profile = \"slick.jdbc.PostgresProfile$\"\n"
            + "  db { url = \"jdbc:postgresql://127.0.0.1:5432/" + database + "\", user = postgres, password = \"\", driver = \"org.postgresql.Driver\" }\n"
            + "}\n");
  }

  <T> T ok(Function<ActorRef<StatusReply<T>>, Registry.Command> command) {
    TestProbe<StatusReply<T>> probe = kit.createTestProbe();
    registry.tell(command.apply(probe.getRef()));
    StatusReply<T> reply = probe.receiveMessage(Duration.ofSeconds(15));
    if (reply.isError()) {
      throw new AssertionError("refused: " + reply.getError().getMessage());
    }
    return reply.getValue();
  }

  <T> Rejection refused(Function<ActorRef<StatusReply<T>>, Registry.Command> command) {
    TestProbe<StatusReply<T>> probe = kit.createTestProbe();
    registry.tell(command.apply(probe.getRef()));
    StatusReply<T> reply = probe.receiveMessage(Duration.ofSeconds(15));
    if (reply.isSuccess()) {
      throw new AssertionError("accepted: " + reply.getValue());
    }
    return Rejection.decode(reply.getError().getMessage());
  }

  RegistryState state() {
    return ok(Registry.GetState::new);
  }

  Customer customer(String name) {
    return ok(r -> new Registry.CreateCustomer(name, "operator", r));
  }

  Resource resource(Customer c, String name) {
    return ok(r -> new Registry.CreateResource(c.id(), name, "customer", r));
  }

  CacheNode node(Customer c, Resource res, String name, String ip, String cidrs) {
    return this.<CacheNode>ok(r -> new Registry.CreateCacheNode(new Registry.NodeSpec(c.id(), res.id(), name, ip, cidrs, 1000, true, null), "hash", "customer", r));
  }

  Rejection nodeRefused(Customer c, Resource res, String name, String ip, String cidrs) {
    return this.<CacheNode>refused(r -> new Registry.CreateCacheNode(new Registry.NodeSpec(c.id(), res.id(), name, ip, cidrs, 1000, true, null), "hash", "customer", r));
  }

  @Override
  public void close() {
    kit.shutdownTestKit();
  }
}

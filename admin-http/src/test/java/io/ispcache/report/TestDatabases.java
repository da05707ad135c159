package io.ispcache.report;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;

/** The registry's database for tests: an embedded H2 file, or a fresh database on the local PostgreSQL. */
public final class TestDatabases {
  private TestDatabases() {}

  public static Config h2(Path dir) {
    return ConfigFactory.parseString("ispcache.data-dir = \"" + dir + "\"");
  }

  /** Creates a uniquely named database on the local PostgreSQL; fails if PostgreSQL is not there. */
  public static String createPostgres() throws Exception {
    return createPostgres("ispcache_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
  }

  /** Creates database {@code name} on the local PostgreSQL. */
  public static String createPostgres(String name) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    return name;
  }

  public static void dropPostgres(String name) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
        Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }

  /** The registry on PostgreSQL database {@code name}; the data directory stays {@code dir}. */
  public static Config postgres(String name, Path dir) {
    return ConfigFactory.parseString(
        "ispcache.data-dir = \"" + dir + "\"\n"
            + "akka-persistence-jdbc.shared-databases.registry {\n"
            + "  profile = \"slick.jdbc.PostgresProfile$\"\n"
            + "  db { url = \"jdbc:postgresql://127.0.0.1:5432/" + name + "\", user = postgres, password = \"\", driver = \"org.postgresql.Driver\" }\n"
            + "}\n");
  }
}

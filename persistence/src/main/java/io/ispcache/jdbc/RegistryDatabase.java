package io.ispcache.jdbc;

import com.typesafe.config.Config;
import io.ispcache.settings.InvalidSettingException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The registry's database as configured for akka-persistence-jdbc ({@code
 * akka-persistence-jdbc.shared-databases.registry}); creates its tables if absent, since the
 * plugin itself never does.
 */
public record RegistryDatabase(Dialect dialect, String url, String user, String password) {
  /** The two supported stores. */
  public enum Dialect {
    H2("schema/h2.sql"),
    POSTGRES("schema/postgres.sql");

    final String script;

    Dialect(String script) {
      this.script = script;
    }
  }

  public static RegistryDatabase fromConfig(Config root) {
    String base = "akka-persistence-jdbc.shared-databases.registry";
    String profile = root.getString(base + ".profile");
    Dialect dialect;
    if (profile.contains("H2Profile")) {
      dialect = Dialect.H2;
    } else if (profile.contains("PostgresProfile")) {
      dialect = Dialect.POSTGRES;
    } else {
      throw new InvalidSettingException(base + ".profile", profile, "must be slick.jdbc.H2Profile$ or slick.jdbc.PostgresProfile$");
    }
    Config db = root.getConfig(base + ".db");
    String url = db.getString("url");
    if (!url.startsWith(dialect == Dialect.H2 ? "jdbc:h2:" : "jdbc:postgresql:")) {
      throw new InvalidSettingException(base + ".db.url", url, "must be a " + dialect + " JDBC URL");
    }
    return new RegistryDatabase(dialect, url, db.getString("user"), db.getString("password"));
  }

  /** The DDL statements, one per element, as DBAs can also apply them by hand. */
  public static List<String> statements(Dialect dialect) {
    try (InputStream in = RegistryDatabase.class.getClassLoader().getResourceAsStream(dialect.script)) {
      String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      List<String> out = new ArrayList<>();
      StringBuilder current = new StringBuilder();
      for (String line : sql.split("\n")) {
        if (line.strip().startsWith("--")) {
          continue;
        }
        current.append(line).append('\n');
        if (line.strip().endsWith(";")) {
          String st = current.toString().strip();
          out.add(st.substring(0, st.length() - 1));
          current.setLength(0);
        }
      }
      return out;
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("schema script " + dialect.script + " missing from the jar", e);
    }
  }

  /** Creates the tables that are missing; running it again changes nothing. */
  public void createTablesIfAbsent() throws SQLException {
    try (Connection c = DriverManager.getConnection(url, user, password);
        Statement st = c.createStatement()) {
      c.setAutoCommit(true);
      for (String statement : statements(dialect)) {
        st.execute(statement);
      }
    }
  }
}

package io.ispcache.jdbc;

/**
 * For DBAs: {@code java -cp ispcache-node.jar io.ispcache.jdbc.SchemaTool print postgres|h2}
 * prints the registry's DDL; {@code apply} runs it against the configured database.
 */
public final class SchemaTool {
  private SchemaTool() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("print")) {
      RegistryDatabase.Dialect d = RegistryDatabase.Dialect.valueOf(args[1].toUpperCase(java.util.Locale.ROOT));
      for (String s : RegistryDatabase.statements(d)) {
        System.out.println(s + ";");
      }
      return;
    }
    if (args.length == 1 && args[0].equals("apply")) {
      com.typesafe.config.Config config =
          com.typesafe.config.ConfigFactory.defaultApplication()
              .withFallback(com.typesafe.config.ConfigFactory.parseResources("ispcache-persistence.conf"))
              .withFallback(com.typesafe.config.ConfigFactory.defaultReference())
              .resolve();
      RegistryDatabase.fromConfig(config).createTablesIfAbsent();
      System.out.println("registry tables present");
      return;
    }
    System.err.println("usage: SchemaTool print postgres|h2 | SchemaTool apply (with -Dconfig.file=...)");
    System.exit(2);
  }
}

package io.ispcache.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.testing.Distribution;
import io.ispcache.testing.Distribution.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The distribution's install script, run for real into a temporary root: the folders, config,
 * secrets and systemd unit it writes, what it refuses, and running it again. No node starts here
 * (NodeLifecycleForkedIT runs one); no user is created and systemd is left alone.
 */
class InstallForkedIT {
  static final String PEER_SECRET = "peer-secret-5f1c8e0a9b7d4c3e2f1a0b9c8d7e6f5a";
  static final String OPERATOR_KEY = "operator-key-0a1b2c3d4e5f60718293a4b5";
  static final String NODE_KEY = "node-key-9e8d7c6b5a4f3e2d1c0b";
  static final String DB_PASSWORD = "db-password-3c2b1a0f9e8d";

  @TempDir static Path unpacked;
  static Distribution dist;

  @BeforeAll
  static void unpack() throws Exception {
    dist = Distribution.unpack(unpacked);
  }

  static Run install(Path root, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--root", root.toString(), "--no-user", "--no-systemd"));
    all.addAll(List.of(args));
    return dist.script("install", all, 120);
  }

  static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  @Test
  void installLaysOutSoftwareConfigDataLogsAndAHardenedUnit(@TempDir Path root) throws Exception {
    Run run =
        install(
            root,
            "--drive", "/srv/cache1:100GiB",
            "--drive", "/srv/cache2:200GiB",
            "--force",
            "--cluster-address", "10.1.2.3",
            "--seed-node", "10.1.2.1",
            "--seed-node", "10.1.2.2:2553",
            "--peer-secret", PEER_SECRET,
            "--max-connections", "100000",
            "--open-files", "4096");
    assertEquals(0, run.exit(), run.output());
    assertTrue(Files.isRegularFile(root.resolve("opt/ispcache/current/lib/ispcache-node.jar")));
    assertEquals("releases/" + dist.version(), Files.readSymbolicLink(root.resolve("opt/ispcache/current")).toString());
    assertTrue(Files.isDirectory(root.resolve("var/lib/ispcache")));
    assertTrue(Files.isDirectory(root.resolve("var/log/ispcache")));
    assertTrue(Files.isDirectory(root.resolve("srv/cache1")));

    String conf = read(root.resolve("etc/ispcache/node.conf"));
    // Cluster-internal ports bind the cluster address only; content and health face clients.
    assertTrue(conf.contains("peer { interface = \"10.1.2.3\", port = 7070 }"), conf);
    assertTrue(conf.contains("remote.artery.canonical { hostname = \"10.1.2.3\", port = 2552 }"), conf);
    assertTrue(conf.contains("management.http { hostname = \"10.1.2.3\", port = 8558"), conf);
    assertTrue(conf.contains("content { interface = \"0.0.0.0\", port = 80, max-connections = 100000 }"), conf);
    assertTrue(conf.contains("{ path = \"" + root + "/srv/cache2\", size = 200GiB }"), conf);
    assertTrue(conf.contains("seed-nodes = [\"akka://ispcache@10.1.2.1:2552\", \"akka://ispcache@10.1.2.2:2553\"]"), conf);
    assertTrue(conf.contains("roles = [\"cache\"]"), conf);
    assertFalse(conf.contains(PEER_SECRET), "the secret stays out of node.conf");

    Path env = root.resolve("etc/ispcache/ispcache.env");
    assertTrue(read(env).contains("ISPCACHE_PEER_SECRET=" + PEER_SECRET));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(env)));

    String unit = read(root.resolve("etc/systemd/system/ispcache.service"));
    for (String line :
        List.of(
            "AmbientCapabilities=CAP_NET_BIND_SERVICE",
            "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
            "NoNewPrivileges=yes",
            "ProtectSystem=strict",
            "PrivateTmp=yes",
            "ReadWritePaths=" + root + "/var/lib/ispcache " + root + "/var/log/ispcache " + root + "/srv/cache1 " + root + "/srv/cache2",
            // 100000 connections + 4096 open files + 8192 sockets and files of the node itself
            "LimitNOFILE=112288",
            "EnvironmentFile=" + root + "/etc/ispcache/ispcache.env",
            "ExecStart=" + root + "/opt/ispcache/current/bin/ispcache " + root + "/etc/ispcache/node.conf")) {
      assertTrue(unit.lines().anyMatch(line::equals), line + " missing from\n" + unit);
    }
    assertTrue(unit.lines().anyMatch("ProtectHome=yes"::equals), unit);
    assertTrue(run.output().contains("/mscomtest/wuidt.gif?cacheHostOrigin=au.download.windowsupdate.com"), run.output());
    Run verify =
        Distribution.run(
            List.of("bash", "-c", "! command -v systemd-analyze >/dev/null || systemd-analyze verify \"$1\"", "_",
                root.resolve("etc/systemd/system/ispcache.service").toString()),
            Map.of(),
            60);
    assertEquals(0, verify.exit(), "systemd-analyze verify: " + verify.output());
    assertEquals("", verify.output(), "systemd-analyze verify found problems");

    // The node itself accepts what install wrote (its own rules, unknown keys included).
    Run check =
        Distribution.run(
            List.of("bash", "-c", "set -a; . \"$1\"; exec \"$2\" --check-config \"$3\"", "_",
                env.toString(), root.resolve("opt/ispcache/current/bin/ispcache").toString(),
                root.resolve("etc/ispcache/node.conf").toString()),
            Map.of(),
            120);
    assertEquals(0, check.exit(), check.output());
    assertTrue(check.output().contains("ispcache: config is valid"), check.output());
  }

  @Test
  void aDriveUnderHomeIsWritableThroughAReadOnlyHome(@TempDir Path root) throws Exception {
    assertEquals(0, install(root, "--drive", "/home/cache:10GiB", "--force").exit());
    String unit = read(root.resolve("etc/systemd/system/ispcache.service"));
    assertTrue(unit.lines().anyMatch("ProtectHome=read-only"::equals), unit);
    assertTrue(unit.contains("ReadWritePaths=" + root + "/var/lib/ispcache " + root + "/var/log/ispcache " + root + "/home/cache"), unit);
  }

  @Test
  void installingTwiceKeepsTheConfigAndKeysUnlessAskedToReconfigure(@TempDir Path root) throws Exception {
    String[] args = {"--drive", "/srv/cache1:10GiB", "--force", "--peer-secret", PEER_SECRET, "--content-port", "8080"};
    assertEquals(0, install(root, args).exit());
    Path conf = root.resolve("etc/ispcache/node.conf");
    Path env = root.resolve("etc/ispcache/ispcache.env");
    Path origins = root.resolve("etc/ispcache/origins.conf");
    Files.writeString(origins, "# the operator's own allowlist\nispcache.origins = []\n");
    String firstConf = read(conf);
    String firstEnv = read(env);

    Run again = install(root, args);
    assertEquals(0, again.exit(), again.output());
    assertEquals(firstConf, read(conf));
    assertEquals(firstEnv, read(env));
    assertEquals("# the operator's own allowlist\nispcache.origins = []\n", read(origins));
    assertTrue(Files.isRegularFile(root.resolve("opt/ispcache/current/lib/ispcache-node.jar")));

    Run otherArgs = install(root, "--drive", "/srv/cache1:10GiB", "--force", "--content-port", "9999");
    assertEquals(0, otherArgs.exit(), otherArgs.output());
    assertTrue(otherArgs.output().contains("keeping the existing config"), otherArgs.output());
    assertEquals(firstConf, read(conf));

    Run reconfigure = install(root, "--drive", "/srv/cache1:10GiB", "--force", "--content-port", "9999", "--reconfigure");
    assertEquals(0, reconfigure.exit(), reconfigure.output());
    assertTrue(read(conf).contains("port = 9999"), read(conf));
  }

  @ParameterizedTest(name = "drive \"{0}\" is refused")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '\'',
      value = {
        "''| must not be blank",
        "'   '| must not be blank",
        ".| must be absolute",
        "./var| must be absolute",
        "var/cache| must be absolute",
        "/| must not be the root directory",
        "//| must not be the root directory",
        "/etc| must not be inside the system directory /etc",
        "/etc/ispcache-cache| must not be inside the system directory /etc",
        "/usr/local/cache| must not be inside the system directory /usr",
        "/bin| must not be inside the system directory /bin",
        "/boot/cache| must not be inside the system directory /boot",
        "/proc/1| must not be inside the system directory /proc",
        "/sys| must not be inside the system directory /sys",
        "/dev/shm/cache| must not be inside the system directory /dev",
        "/lib64/cache| must not be inside the system directory /lib64",
        "/var| must not be /var itself",
        "/var/lib| must not be /var/lib itself",
        "/var/lib/| must not be /var/lib itself",
        "/var/log| must not be /var/log itself",
        "/srv| must not be /srv itself",
        "/srv/../etc/cache| must not contain . or .. components",
        "/srv/./cache| must not contain . or .. components",
        "/opt/ispcache/cache| must not be inside /opt/ispcache",
      })
  void everyUnsafeDrivePathIsRefusedBeforeAnythingIsWritten(String path, String rule, @TempDir Path root) throws Exception {
    Run run = install(root, "--drive", path + ":10GiB", "--force");
    assertEquals(2, run.exit(), run.output());
    assertTrue(run.output().contains(rule), run.output());
    assertFalse(Files.exists(root.resolve("etc/ispcache")), "nothing written for a refused install");
    assertFalse(Files.exists(root.resolve("opt/ispcache")), "nothing written for a refused install");
  }

  @Test
  void aDriveInsideAnotherOrGivenTwiceIsRefused(@TempDir Path root) throws Exception {
    Run nested = install(root, "--drive", "/srv/cache:10GiB", "--drive", "/srv/cache/inner:10GiB", "--force");
    assertEquals(2, nested.exit());
    assertTrue(nested.output().contains("drive path '/srv/cache/inner' must not be inside the drive /srv/cache"), nested.output());
    Run outer = install(root, "--drive", "/srv/cache/inner:10GiB", "--drive", "/srv/cache:10GiB", "--force");
    assertEquals(2, outer.exit());
    assertTrue(outer.output().contains("drive path '/srv/cache/inner' must not be inside the drive /srv/cache"), outer.output());
    Run twice = install(root, "--drive", "/srv/cache:10GiB", "--drive", "/srv/cache/:10GiB", "--force");
    assertEquals(2, twice.exit());
    assertTrue(twice.output().contains("drive path '/srv/cache' is given twice"), twice.output());
  }

  @Test
  void aDriveOnTheRootFileSystemNeedsForce(@TempDir Path root) throws Exception {
    // The temporary root lives on this machine's root file system unless /tmp is a mount of its own.
    Run check = Distribution.run(List.of("bash", "-c", "[ \"$(stat -c %d \"$1\")\" = \"$(stat -c %d /)\" ]", "_", root.toString()), Map.of(), 10);
    org.junit.jupiter.api.Assumptions.assumeTrue(check.exit() == 0, "the temporary folder is not on the root file system");
    Run refused = install(root, "--drive", "/srv/cache1:10GiB");
    assertEquals(2, refused.exit());
    assertTrue(refused.output().contains("drive path '/srv/cache1' is on the root file system; give the cache a dedicated disk, or pass --force"), refused.output());
    assertEquals(0, install(root, "--drive", "/srv/cache1:10GiB", "--force").exit());
  }

  @Test
  void anAdminNodeOnTheClusterNetworkGetsItsKeystoreAndACacheNodeItsTrustStore(@TempDir Path root, @TempDir Path work) throws Exception {
    Path keystore = Files.writeString(work.resolve("admin.p12"), "keystore bytes");
    Path trust = Files.writeString(work.resolve("trust.p12"), "trust bytes");
    Run run = install(root, "--drive", "/srv/c:10GiB", "--force", "--cluster-address", "10.1.2.3", "--peer-secret", PEER_SECRET,
        "--roles", "cache,admin", "--admin-keystore", keystore.toString(), "--admin-keystore-password", "keystore-pass-123",
        "--registry-url", "https://10.1.2.3:9090", "--customer-id", "c", "--cache-node-id", "n", "--node-key", "k",
        "--registry-trust-store", trust.toString(), "--registry-trust-store-password", "trust-pass-456");
    assertEquals(0, run.exit(), run.output());
    Path etc = root.resolve("etc/ispcache");
    String conf = read(etc.resolve("node.conf"));
    assertTrue(conf.contains("tls.keystore = \"" + etc.resolve("admin.p12") + "\""), conf);
    assertTrue(conf.contains("trust-store = \"" + etc.resolve("registry-trust.p12") + "\""), conf);
    assertFalse(conf.contains("pass-"), "passwords stay out of node.conf");
    String env = read(etc.resolve("ispcache.env"));
    assertTrue(env.contains("ISPCACHE_ADMIN_KEYSTORE_PASSWORD=keystore-pass-123"), env);
    assertTrue(env.contains("ISPCACHE_AGENT_TRUST_STORE_PASSWORD=trust-pass-456"), env);
    assertEquals("keystore bytes", read(etc.resolve("admin.p12")));
    assertEquals("trust bytes", read(etc.resolve("registry-trust.p12")));
    assertEquals(PosixFilePermissions.fromString("rw-r-----"), Files.getPosixFilePermissions(etc.resolve("admin.p12")));
  }

  @ParameterizedTest(name = "{0} is refused")
  @CsvSource(
      delimiter = '|',
      value = {
        "--drive /srv/c:10GiB --force --cluster-address 10.0.0.5| --peer-secret is needed with cluster address 10.0.0.5",
        "--drive /srv/c:10GiB --force --peer-secret short| --peer-secret must have at least 32 characters",
        "--drive /srv/c:10GiB --force --content-port 70000| --content-port must be a port 1-65535, not '70000'",
        "--drive /srv/c:10GiB --force --health-port http| --health-port must be a port 1-65535, not 'http'",
        "--drive /srv/c:10GiB --force --roles everything| --roles must be cache, admin or cache,admin, not 'everything'",
        "--drive /srv/c:ten --force| drive size 'ten' of /srv/c must be a whole number with a unit",
        "--drive /srv/c --force| --drive must be PATH:SIZE",
        "--force| at least one --drive PATH:SIZE is needed",
        "--drive /srv/c:10GiB --force --seed-node a/b| --seed-node must be HOST or HOST:PORT, not 'a/b'",
        "--drive /srv/c:10GiB --force --registry-url http://admin:9090| --registry-url needs --customer-id, --cache-node-id and --node-key",
        "--drive /srv/c:10GiB --force --frobnicate| unknown option --frobnicate",
        "--drive /srv/c:10GiB --force --log-format xml| --log-format must be text or json, not 'xml'",
        "--drive /srv/c:10GiB --force --cluster-address 0.0.0.0| --cluster-address must be this node's own address on the cluster network, not 0.0.0.0",
        "--drive /srv/c:10GiB --force --cluster-address fe80::1%eth0| --cluster-address must be a host name or IPv4 address, not 'fe80::1%eth0'",
        "--drive /srv/c:10GiB --force --cluster-address 10.0.0.5 --peer-secret 0123456789abcdef0123456789abcdef --roles cache,admin"
            + "| --admin-keystore FILE is needed for the admin role on 10.0.0.5",
        "--drive /srv/c:10GiB --force --cluster-address 10.0.0.5 --peer-secret 0123456789abcdef0123456789abcdef --roles admin"
            + " --admin-keystore /nonexistent/admin.p12| no such file: /nonexistent/admin.p12",
        "--drive /srv/c:10GiB --force --registry-url http://admin:9090 --customer-id c --cache-node-id n --node-key k"
            + "| --registry-url must be https:// (the node key travels in every heartbeat), not http://admin:9090",
      })
  void badArgumentsAreRefusedWithAClearMessage(String args, String message, @TempDir Path root) throws Exception {
    Run run = install(root, args.split(" "));
    assertEquals(2, run.exit(), run.output());
    assertTrue(run.output().contains(message), run.output());
    assertFalse(Files.exists(root.resolve("etc/ispcache/node.conf")));
  }

  @Test
  void updateRefusesWhatIsNotANewerDistributionAndLeavesTheInstallAlone(@TempDir Path root, @TempDir Path work) throws Exception {
    assertEquals(0, install(root, "--drive", "/srv/cache1:10GiB", "--force").exit());
    String current = Files.readSymbolicLink(root.resolve("opt/ispcache/current")).toString();

    Run same = dist.script("update", List.of("--root", root.toString(), System.getProperty("ispcache.distribution")), 120);
    assertEquals(2, same.exit(), same.output());
    assertTrue(same.output().contains(dist.version() + " is already the installed version"), same.output());

    Path notOurs = work.resolve("other.tar.gz");
    Files.createDirectories(work.resolve("other/something"));
    Files.writeString(work.resolve("other/something/README"), "not ispcache");
    assertEquals(0, Distribution.run(List.of("tar", "-czf", notOurs.toString(), "-C", work.resolve("other").toString(), "something"), Map.of(), 60).exit());
    Run other = dist.script("update", List.of("--root", root.toString(), notOurs.toString()), 120);
    assertEquals(2, other.exit(), other.output());
    assertTrue(other.output().contains("is not an ispcache distribution"), other.output());

    Run missing = dist.script("update", List.of("--root", root.toString(), work.resolve("nope.tar.gz").toString()), 120);
    assertEquals(2, missing.exit(), missing.output());
    assertTrue(missing.output().contains("cannot read"), missing.output());

    Run noInstall = dist.script("update", List.of("--root", work.resolve("empty").toString(), notOurs.toString()), 120);
    assertEquals(2, noInstall.exit(), noInstall.output());
    assertTrue(noInstall.output().contains("no ispcache install under"), noInstall.output());

    assertEquals(current, Files.readSymbolicLink(root.resolve("opt/ispcache/current")).toString());
    try (Stream<Path> releases = Files.list(root.resolve("opt/ispcache/releases"))) {
      assertEquals(List.of(dist.version()), releases.map(p -> p.getFileName().toString()).toList(), "no staging left behind");
    }
  }

  /** The JVM flags the launcher chose, as the JVM reports them ({@code -XX:+PrintCommandLineFlags -version} ends it at once). */
  static String launcherFlags(Path config, Map<String, String> env) throws Exception {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("JAVA_OPTS", "-XX:+PrintCommandLineFlags -version");
    Run run = Distribution.runScript(dist.home().resolve("bin/ispcache"), List.of(config.toString()), all, 60);
    assertEquals(0, run.exit(), run.output());
    return run.output();
  }

  static long flag(String flags, String name) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("-XX:" + name + "=(\\d+)").matcher(flags);
    assertTrue(m.find(), name + " in " + flags);
    return Long.parseLong(m.group(1));
  }

  @Test
  void theLauncherSizesTheJvmFromTheMachineOrTheOperator(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("node.conf"), "ispcache.content.port = 8080\n");
    String auto = launcherFlags(config, Map.of());
    long heap = flag(auto, "MaxHeapSize");
    assertTrue(heap >= 512L << 20 && heap <= 8L << 30, "a quarter of the memory, 512 MiB to 8 GiB: " + auto);
    assertEquals(heap, flag(auto, "MaxDirectMemorySize"), "direct memory for chunk memory and buffers: " + auto);
    assertTrue(auto.contains("-XX:+UseG1GC") && auto.contains("-XX:+ExitOnOutOfMemoryError"), auto);

    String chosen = launcherFlags(config, Map.of("ISPCACHE_HEAP", "300m", "ISPCACHE_LOG_DIR", dir.resolve("logs").toString()));
    assertEquals(300L << 20, flag(chosen, "MaxHeapSize"));
    assertEquals(300L << 20, flag(chosen, "MaxDirectMemorySize"));
  }

  @Test
  void theLauncherRefusesAMissingConfigAndAnUnknownLogFormat(@TempDir Path dir) throws Exception {
    Run missing = Distribution.runScript(dist.home().resolve("bin/ispcache"), List.of(dir.resolve("none.conf").toString()), Map.of(), 60);
    assertEquals(2, missing.exit());
    assertTrue(missing.output().contains("ispcache: config file " + dir.resolve("none.conf") + " cannot be read"), missing.output());

    Path config = Files.writeString(dir.resolve("node.conf"), "ispcache.content.port = 8080\n");
    Run format =
        Distribution.runScript(
            dist.home().resolve("bin/ispcache"),
            List.of(config.toString()),
            Map.of("ISPCACHE_LOG_DIR", dir.resolve("logs").toString(), "ISPCACHE_LOG_FORMAT", "xml"),
            60);
    assertEquals(2, format.exit());
    assertTrue(format.output().contains("ispcache: ISPCACHE_LOG_FORMAT must be text or json, not 'xml'"), format.output());

    Run misspelt = Distribution.runScript(
        dist.home().resolve("bin/ispcache"), List.of("--check-config", Files.writeString(dir.resolve("bad.conf"), "ispcache.content.prot = 80\n").toString()), Map.of(), 60);
    assertEquals(2, misspelt.exit());
    assertTrue(
        misspelt.output().contains("ispcache: invalid setting ispcache.content.prot = \"80\": is not a setting of ispcache; did you mean ispcache.content.port?"),
        misspelt.output());

    // A support bundle wants the settings most when one is wrong: --print-config prints them anyway.
    Run printed = Distribution.runScript(dist.home().resolve("bin/ispcache"), List.of("--print-config", dir.resolve("bad.conf").toString()), Map.of(), 60);
    assertEquals(2, printed.exit());
    assertTrue(printed.output().contains("prot=80"), printed.output());
    assertTrue(printed.output().contains("did you mean ispcache.content.port?"), printed.output());
  }

  @Test
  void theSupportBundleHoldsNoSecret(@TempDir Path root, @TempDir Path out) throws Exception {
    Run run =
        install(
            root,
            "--drive", "/srv/cache1:10GiB",
            "--force",
            "--peer-secret", PEER_SECRET,
            "--operator-key", OPERATOR_KEY,
            "--registry-url", "http://127.0.0.1:9",
            "--customer-id", "customer-1",
            "--cache-node-id", "node-1",
            "--node-key", NODE_KEY);
    assertEquals(0, run.exit(), run.output());
    Files.writeString(
        root.resolve("etc/ispcache/node.conf"),
        "akka-persistence-jdbc.shared-databases.registry.db { user = ispcache, password = \"" + DB_PASSWORD + "\" }\n",
        java.nio.file.StandardOpenOption.APPEND);
    // Secrets that reached a log by accident are scrubbed too.
    Files.writeString(
        root.resolve("var/log/ispcache/node.log"),
        "2026-01-01 ERROR x - peer refused secret " + PEER_SECRET + " from 10.0.0.9\n"
            + "2026-01-01 INFO y - activating with " + NODE_KEY + "\n");

    Run bundle = dist.script("collect-diagnostics", List.of("--root", root.toString(), "--output", out.toString()), 180);
    assertEquals(0, bundle.exit(), bundle.output());
    String path = bundle.output().strip().lines().reduce((a, b) -> b).orElseThrow();
    assertTrue(path.matches(".*/support_bundle_\\d{8}T\\d{6}Z\\.tar\\.gz"), path);
    Path unpackedBundle = Files.createDirectories(out.resolve("x"));
    assertEquals(0, Distribution.run(List.of("tar", "-xzf", path, "-C", unpackedBundle.toString()), Map.of(), 60).exit());

    List<Path> files;
    try (Stream<Path> walk = Files.walk(unpackedBundle)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    List<String> names = files.stream().map(p -> unpackedBundle.relativize(p).toString().replaceFirst("^[^/]+/", "")).toList();
    for (String expected :
        List.of("version.txt", "config/node.conf", "config/ispcache.env", "config/effective.conf", "logs/node.log",
            "recent-errors.txt", "system/java.txt", "system/os-release.txt", "node/drives-df.txt", "node/drives-du.txt",
            "node/health.json", "node/metrics.txt", "node/cluster-members.json")) {
      assertTrue(names.contains(expected), expected + " missing from " + names);
    }
    for (Path f : files) {
      String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
      for (String secret : List.of(PEER_SECRET, OPERATOR_KEY, NODE_KEY, DB_PASSWORD)) {
        assertFalse(text.contains(secret), secret + " in " + f + ":\n" + text);
      }
    }
    String effective = read(files.stream().filter(p -> p.endsWith("config/effective.conf")).findFirst().orElseThrow());
    assertTrue(effective.contains("node-key=\"<redacted>\""), effective);
    assertTrue(effective.contains("cache-node-id=\"node-1\"") || effective.contains("cache-node-id=node-1"), effective);
    String errors = read(files.stream().filter(p -> p.endsWith("recent-errors.txt")).findFirst().orElseThrow());
    assertTrue(errors.contains("ERROR x - peer refused secret <redacted> from 10.0.0.9"), errors);
  }
}

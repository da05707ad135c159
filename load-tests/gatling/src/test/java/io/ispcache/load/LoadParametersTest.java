package io.ispcache.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadParametersTest {
  static final Map<String, String> SMOKE = Map.of("devices", "8", "duration", "10s", "objects", "2x4MiB");
  static final Map<String, String> FULL = Map.of("devices", "600", "duration", "5m", "objects", "3x64MiB");
  @TempDir Path dir;

  Properties props(String... kv) throws Exception {
    Path jar = Files.writeString(dir.resolve("node.jar"), "jar");
    Properties p = new Properties();
    p.setProperty("jar", jar.toString());
    for (int i = 0; i < kv.length; i += 2) {
      p.setProperty(kv[i], kv[i + 1]);
    }
    return p;
  }

  LoadParameters read(String... kv) throws Exception {
    return LoadParameters.read(props(kv), SMOKE, FULL);
  }

  String refused(String... kv) throws Exception {
    Properties p = props(kv);
    return assertThrows(IllegalArgumentException.class, () -> LoadParameters.read(p, SMOKE, FULL)).getMessage();
  }

  @Test
  void theSmokeProfileIsTheDefaultAndALocalRunStartsItsOwnNodes() throws Exception {
    LoadParameters p = read();
    assertEquals("smoke", p.profile());
    assertEquals(8, p.devices());
    assertEquals(Duration.ofSeconds(10), p.duration());
    assertTrue(p.local());
    assertEquals(LoadParameters.LOCAL_ORIGIN_HOST, p.originHost());
    assertEquals(1, p.nodeCount());
  }

  @Test
  void theFullProfileTakesItsDefaultsAndAPropertyOverridesEither() throws Exception {
    LoadParameters p = read("profile", "full", "devices", "700");
    assertEquals(700, p.devices());
    assertEquals(Duration.ofMinutes(5), p.duration());
    assertEquals("3x64MiB", p.objects());
  }

  @Test
  void aDeploymentIsNamedByItsNodesMetricsAndOrigin() throws Exception {
    LoadParameters p = read("targets", "http://10.1.0.5,http://10.1.0.6:8080", "metrics", "http://10.1.0.5:5000/metrics", "origin", "dl.example.com",
        "jar", "/nonexistent.jar");
    assertEquals(List.of(URI.create("http://10.1.0.5"), URI.create("http://10.1.0.6:8080")), p.targets());
    assertEquals(2, p.nodeCount());
    assertEquals("dl.example.com", p.originHost());
  }

  @Test
  void everyBadValueIsRefusedNamingItsParameter() throws Exception {
    assertTrue(refused("profile", "huge").startsWith("profile = 'huge'"));
    assertTrue(refused("targets", "ftp://x").startsWith("targets: 'ftp://x' must be an http:// URL"));
    assertTrue(refused("targets", "http://a b").startsWith("targets: 'http://a b' is not a URL"));
    assertTrue(refused("targets", "http://10.1.0.5", "origin", "dl.example.com").startsWith("metrics: a run against targets needs"));
    assertTrue(refused("metrics", "http://127.0.0.1:5000/metrics").startsWith("metrics: only with targets"));
    assertTrue(refused("targets", "http://10.1.0.5", "metrics", "http://10.1.0.5:5000/metrics").startsWith("origin: a run against targets needs"));
    assertTrue(refused("origin", "bad host/").startsWith("origin = 'bad host/'"));
    assertTrue(refused("nodes", "0").startsWith("nodes = 0: must be 1 to 5"));
    assertTrue(refused("nodes", "three").startsWith("nodes = 'three': must be a whole number"));
    assertTrue(refused("devices", "100001").startsWith("devices = 100001"));
    assertTrue(refused("duration", "soon").startsWith("duration = 'soon'"));
    assertTrue(refused("duration", "0").startsWith("duration = 0s"));
    assertTrue(refused("duration", "61m").startsWith("duration = '61m': at most an hour"));
    assertTrue(refused("ramp", "20s").startsWith("ramp = 20s: longer than duration = 10s"));
    assertTrue(refused("objects", "4 files").startsWith("objects = '4 files': must be <count>x<size>"));
    assertTrue(refused("objects", "0x4MiB").startsWith("objects = '0x4MiB': needs at least one object"));
    assertTrue(refused("objects", "4x2TiB").startsWith("objects = '2TiB': must be a size"));
    assertTrue(refused("objects", "4x2048GiB").endsWith("an object is 1 byte to 1TiB"));
    assertTrue(refused("piece", "1MB").startsWith("piece = '1MB'"));
    assertTrue(refused("seed", "-1").startsWith("seed = -1"));
    assertTrue(refused("maxErrorPercent", "101").startsWith("maxErrorPercent = 101"));
    assertTrue(refused("maxErrorPercent", "a lot").startsWith("maxErrorPercent = 'a lot'"));
    assertTrue(refused("jar", dir.resolve("missing.jar").toString()).contains("no node jar there"));
    assertTrue(refused("cache", "8MiB").startsWith("cache = 8MiB: at least 16MiB"));
    assertTrue(refused("chunk", "big").startsWith("chunk = 'big'"));
    assertTrue(refused("killAt", "10s").startsWith("killAt = 10s: must be within duration"));
    assertTrue(refused("server", "varnish").startsWith("server = 'varnish': must be ispcache or nginx-slice"));
    assertTrue(refused("server", "nginx-slice", "targets", "http://10.1.0.5", "metrics", "http://10.1.0.5:5000/metrics", "origin", "dl.example.com")
        .startsWith("server = nginx-slice: a local comparison"));
  }

  @Test
  void theSimulationsOwnKnobsAreBoundedToo() throws Exception {
    assertEquals(0.9, LoadParameters.decimal("zipf", null, 0.9, 0.1, 4));
    assertEquals(1.2, LoadParameters.decimal("zipf", "1.2", 0.9, 0.1, 4));
    assertEquals("zipf = 0: must be 0.1 to 4",
        assertThrows(IllegalArgumentException.class, () -> LoadParameters.decimal("zipf", "0", 0.9, 0.1, 4)).getMessage());
    assertEquals("originLimit = 'x': must be a number",
        assertThrows(IllegalArgumentException.class, () -> LoadParameters.decimal("originLimit", "x", 1.05, 1, 1000)).getMessage());
    assertEquals("abortPercent = 95: must be 0 to 90",
        assertThrows(IllegalArgumentException.class, () -> LoadParameters.decimal("abortPercent", "95", 5, 0, 100 - 10.0)).getMessage());
    assertEquals("recoverWithin = 'later': must be seconds (30, 30s) or minutes (3m)",
        assertThrows(IllegalArgumentException.class, () -> LoadParameters.duration("recoverWithin", "later", Duration.ofSeconds(10))).getMessage());
    assertTrue(LoadParameters.flag("warm", "true"));
    assertEquals(false, LoadParameters.flag("warm", null));
    assertEquals("warm = 'yes': must be true or false",
        assertThrows(IllegalArgumentException.class, () -> LoadParameters.flag("warm", "yes")).getMessage());
    LoadParameters one = read("nodes", "1");
    assertEquals("nodes = 1: node loss needs at least 2 nodes (3 by default)",
        assertThrows(IllegalArgumentException.class, () -> NodeLossSimulation.requireSeveralNodes(one)).getMessage());
  }
}

package io.ispcache.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import io.ispcache.api.AdminPlane;
import io.ispcache.freshness.ResponseHeaders;
import io.ispcache.object.ContentObject;
import io.ispcache.store.ObjectMeta;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every message that may cross the network or the journal ({@link CborSerializable}, in the main
 * code of persistence, admin-http and cluster-node) survives Akka's configured serializer: found by
 * scanning the compiled classes, built with representative values, serialized and read back equal.
 * A new message type that cannot be built or read back fails this test by name.
 */
class CborRoundTripTest {
  static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /**
   * Values whose constructors check invariants that generic sample values break: built as the code
   * builds them. A cache node's blocks and server IP are stored in canonical form (the registry
   * state indexes the blocks as it is built).
   */
  static final Map<Class<?>, Supplier<Object>> SAMPLES =
      Map.of(
          io.ispcache.registry.CacheNode.class,
          () ->
              new io.ispcache.registry.CacheNode(
                  "node-id ä/€", "customer-id ä/€", "resource-id ä/€", "name", "20.1.2.3", "42.0.0.0/16, 2001:db8::/48", 70_001, true,
                  List.of(new io.ispcache.registry.NodeDrive("/srv/cache1", 70_001)), io.ispcache.registry.IpSpaceStatus.VALID,
                  "reason ä/€", true, 65_536, "65536", "key-hash ä/€", Instant.parse("2026-11-03T10:00:00.123456789Z"), "conflict ä/€",
                  Instant.parse("2026-11-03T10:00:01.123456789Z")),
          ResponseHeaders.class,
          CborRoundTripTest::headers,
          ObjectMeta.class,
          () ->
              new ObjectMeta("www.example.org/a/ä b?x=1", 5_000_000_123L, "\"a1\"", "Tue, 03 Nov 2026 10:00:00 GMT",
                      "application/octet-stream", 1_764_000_000_000L)
                  .validated(headers(), 1_764_000_060_000L, 2_000));

  static ResponseHeaders headers() {
    return ResponseHeaders.fromOrigin(
        List.of(Map.entry("Cache-Control", "max-age=60, public"), Map.entry("Content-Encoding", "gzip"),
            Map.entry("X-Note", "ä: b")),
        1_764_000_000_000L);
  }

  @Test
  void everyCborSerializableTypeRoundTripsThroughJacksonCbor() throws Exception {
    Serialization serialization = SerializationExtension.get(kit.system().classicSystem());
    List<Class<?>> types = cborTypes();
    // The scan found the three modules' messages: guards against a scan that silently sees nothing.
    for (Class<?> known : List.of(io.ispcache.registry.Registry.CacheNodeCreated.class, ContentObject.Acquire.class,
        io.ispcache.object.ChunkIndex.Holdings.class, io.ispcache.routing.RoutingUpdate.class)) {
      assertTrue(types.contains(known), "the class scan missed " + known.getName());
    }
    String cbor = kit.system().settings().config().getString("akka.actor.serializers.jackson-cbor");
    List<String> problems = new ArrayList<>();
    List<String> checked = new ArrayList<>();
    for (Class<?> type : types) {
      if (type.isInterface() || Modifier.isAbstract(type.getModifiers())
          || NoSerializationVerificationNeeded.class.isAssignableFrom(type)) {
        continue; // local-only messages are never serialized, by design
      }
      Object message;
      try {
        message = sample(type, type.getSimpleName(), 0);
      } catch (Exception | Error e) {
        problems.add(type.getName() + ": cannot build a sample (" + rootCause(e) + ")");
        continue;
      }
      try {
        akka.serialization.Serializer serializer = serialization.findSerializerFor(message);
        if (!serializer.getClass().getName().equals(cbor)) {
          problems.add(type.getName() + ": serialized by " + serializer.getClass().getName() + ", not jackson-cbor");
          continue;
        }
        byte[] bytes = serialization.serialize(message).get();
        Object back = serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, message)).get();
        if (!message.equals(back)) {
          problems.add(type.getName() + ": read back as " + back + ", sent " + message);
        } else {
          checked.add(type.getSimpleName());
        }
      } catch (Exception e) {
        problems.add(type.getName() + ": " + rootCause(e));
      }
    }
    assertEquals(List.of(), problems, "round-tripped: " + checked);
  }

  /** The concrete and abstract {@link CborSerializable} types of the three modules' main code. */
  static List<Class<?>> cborTypes() throws IOException, URISyntaxException {
    Set<String> names = new TreeSet<>();
    for (Class<?> anchor : List.of(CborSerializable.class, AdminPlane.class, ContentObject.class)) {
      Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isDirectory(location)) {
        try (Stream<Path> files = Files.walk(location.resolve("io/ispcache"))) {
          files.map(location::relativize).map(Path::toString).filter(n -> n.endsWith(".class"))
              .forEach(n -> names.add(className(n.replace(java.io.File.separatorChar, '/'))));
        }
      } else {
        try (JarFile jar = new JarFile(location.toFile())) {
          jar.stream().map(e -> e.getName()).filter(n -> n.startsWith("io/ispcache/") && n.endsWith(".class"))
              .forEach(n -> names.add(className(n)));
        }
      }
    }
    List<Class<?>> types = new ArrayList<>();
    for (String name : names) {
      Class<?> c;
      try {
        c = Class.forName(name, false, CborRoundTripTest.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        continue; // synthetic or unloadable helper classes carry no messages
      }
      if (CborSerializable.class.isAssignableFrom(c) && c != CborSerializable.class) {
        types.add(c);
      }
    }
    types.sort(Comparator.comparing(Class::getName));
    return types;
  }

  private static String className(String file) {
    return file.substring(0, file.length() - ".class".length()).replace('/', '.');
  }

  /** A representative value of {@code type}: no nulls, nothing a default would hide. */
  static Object sample(Type type, String label, int depth) throws ReflectiveOperationException {
    if (depth > 6) {
      throw new IllegalStateException("types nest deeper than 6 at " + label);
    }
    if (type instanceof WildcardType w) {
      return sample(w.getUpperBounds()[0], label, depth);
    }
    if (type instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (raw == ActorRef.class) {
        return kit.createTestProbe().getRef();
      }
      if (raw == List.class || raw == Collection.class) {
        return List.of(sample(args[0], label, depth + 1));
      }
      if (raw == Set.class) {
        return Set.of(sample(args[0], label, depth + 1));
      }
      if (raw == Map.class) {
        return Map.of(sample(args[0], label + "-key", depth + 1), sample(args[1], label, depth + 1));
      }
      if (raw == Optional.class) {
        return Optional.of(sample(args[0], label, depth + 1));
      }
      return sample(raw, label, depth);
    }
    Class<?> c = (Class<?>) type;
    if (SAMPLES.containsKey(c)) {
      return SAMPLES.get(c).get();
    }
    if (c == String.class) {
      return label + " ä/€"; // non-ASCII: CBOR text strings are UTF-8
    }
    if (c == long.class || c == Long.class) {
      return 5_000_000_123L; // beyond an int
    }
    if (c == int.class || c == Integer.class) {
      return 70_001;
    }
    if (c == boolean.class || c == Boolean.class) {
      return true;
    }
    if (c == double.class || c == Double.class) {
      return 0.25;
    }
    if (c == Instant.class) {
      return Instant.parse("2026-11-03T10:00:00.123456789Z");
    }
    if (c == Duration.class) {
      return Duration.ofMillis(1_500);
    }
    if (c.isEnum()) {
      Object[] constants = c.getEnumConstants();
      return constants[constants.length - 1];
    }
    if (c == ActorRef.class) {
      return kit.createTestProbe().getRef();
    }
    if (c.isRecord()) {
      RecordComponent[] components = c.getRecordComponents();
      Class<?>[] shape = new Class<?>[components.length];
      Object[] values = new Object[components.length];
      for (int i = 0; i < components.length; i++) {
        shape[i] = components[i].getType();
        values[i] = sample(components[i].getGenericType(), components[i].getName(), depth + 1);
      }
      Constructor<?> canonical = c.getDeclaredConstructor(shape);
      canonical.setAccessible(true);
      return canonical.newInstance(values);
    }
    if (c.isSealed()) {
      for (Class<?> sub : c.getPermittedSubclasses()) {
        if (!NoSerializationVerificationNeeded.class.isAssignableFrom(sub)) {
          return sample(sub, label, depth + 1);
        }
      }
    }
    throw new IllegalArgumentException("no sample for " + c.getName() + " (add one to SAMPLES)");
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.toString();
  }
}

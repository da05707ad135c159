package io.ispcache.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The built distribution tarball ({@code ispcache-<version>.tar.gz}), unpacked, and its scripts
 * run for real with bash against a temporary root. Every run has a deadline.
 */
public final class Distribution {
  /** One script run: exit code and everything it printed (stdout and stderr together). */
  public record Run(int exit, String output) {}

  private final Path home;

  private Distribution(Path home) {
    this.home = home;
  }

  /** Unpacks the tarball named by system property {@code ispcache.distribution} into {@code dir}. */
  public static Distribution unpack(Path dir) throws IOException, InterruptedException {
    String tarball = System.getProperty("ispcache.distribution");
    if (tarball == null || !Files.exists(Path.of(tarball))) {
      throw new IllegalStateException("system property ispcache.distribution must name the built tarball (run through mvn verify)");
    }
    Run untar = run(List.of("tar", "-xzf", tarball, "-C", dir.toString()), Map.of(), 120);
    if (untar.exit() != 0) {
      throw new IOException("tar failed: " + untar.output());
    }
    try (Stream<Path> top = Files.list(dir)) {
      return new Distribution(top.filter(p -> p.getFileName().toString().startsWith("ispcache-")).findFirst().orElseThrow());
    }
  }

  /** The unpacked folder ({@code ispcache-<version>}). */
  public Path home() {
    return home;
  }

  public String version() throws IOException {
    return Files.readString(home.resolve("VERSION"), StandardCharsets.UTF_8).strip();
  }

  /** Runs {@code bin/<script> args} of this distribution. */
  public Run script(String script, List<String> args, int timeoutSeconds) throws IOException, InterruptedException {
    return runScript(home.resolve("bin").resolve(script), args, Map.of(), timeoutSeconds);
  }

  /** Runs {@code script} (any path) with bash, with extra environment {@code env}. */
  public static Run runScript(Path script, List<String> args, Map<String, String> env, int timeoutSeconds)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", script.toString()));
    command.addAll(args);
    return run(command, env, timeoutSeconds);
  }

  /** Runs {@code command}; fails if it is not over within {@code timeoutSeconds}. */
  public static Run run(List<String> command, Map<String, String> env, int timeoutSeconds) throws IOException, InterruptedException {
    Path out = Files.createTempFile("ispcache-script", ".out");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
      pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError(command + " still running after " + timeoutSeconds + " s:\n" + Files.readString(out));
      }
      return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** A copy of this distribution as another version's tarball, with {@code change} applied to its folder. */
  public Path repack(Path dir, String version, FolderChange change) throws IOException, InterruptedException {
    Path folder = dir.resolve("ispcache-" + version);
    Run copy = run(List.of("cp", "-a", home.toString(), folder.toString()), Map.of(), 120);
    if (copy.exit() != 0) {
      throw new IOException("cp failed: " + copy.output());
    }
    Files.writeString(folder.resolve("VERSION"), version + "\n");
    change.apply(folder);
    Path tarball = dir.resolve("ispcache-" + version + ".tar.gz");
    Run tar = run(List.of("tar", "-czf", tarball.toString(), "-C", dir.toString(), folder.getFileName().toString()), Map.of(), 300);
    if (tar.exit() != 0) {
      throw new IOException("tar failed: " + tar.output());
    }
    return tarball;
  }

  /** An edit of an unpacked distribution folder. */
  @FunctionalInterface
  public interface FolderChange {
    void apply(Path folder) throws IOException;
  }
}

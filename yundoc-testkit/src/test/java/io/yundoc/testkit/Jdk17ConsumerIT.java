package io.yundoc.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.yundoc.server.ServerConfig;
import io.yundoc.server.YundocServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 item 3, as an integrator meets it: a Maven project on JDK 17 with its own JUnit (5.14.1) depends on the
 * yundoc-testkit this build packaged (jar, published pom, sources and javadoc jars, laid out in a fresh local
 * repository exactly as {@code mvn install} lays them out) and runs a test that uses {@link YundocExtension} against
 * a yundoc started here. Every other artifact comes from this machine's Maven repository, read as a remote one (so it
 * is never written), or from Maven Central when that repository lacks it. Runs in the integration-test phase (failsafe), after
 * the jars exist.
 */
// integration phase (Failsafe, mvn verify): the packaged jars and a JDK 17 child build
@Tag("integration")
class Jdk17ConsumerIT {
    private static final List<String> ARTIFACTS = List.of("yundoc-protocol", "yundoc-client", "yundoc-testkit");

    @Test
    void aJava17ProjectWithItsOwnJUnitRunsATestThatUsesTheExtension(@TempDir Path tmp) throws Exception {
        Path jdk17 = Path.of(System.getProperty("yundoc.jdk17", "/usr/lib/jvm/java-17-openjdk-amd64"));
        assertThat(jdk17.resolve("bin/java"))
                .as("a JDK 17 is needed for this test (-Dyundoc.jdk17=...)")
                .isExecutable();
        String version = System.getProperty("yundoc.version");
        Path root = Path.of(System.getProperty("yundoc.root"));
        Path sharedRepo = Path.of(System.getProperty("yundoc.m2"));

        Path repo = tmp.resolve("repo");
        for (String a : ARTIFACTS) {
            install(
                    root.resolve(a).resolve("target"),
                    a,
                    version,
                    repo.resolve("io/yundoc").resolve(a).resolve(version));
        }
        Path settings = tmp.resolve("settings.xml");
        // this machine's repository first (read as a remote: nothing is written there), Maven Central after it for
        // what a fresh machine has not fetched yet (the user's JUnit 5.14.1 is not the version this build uses)
        Files.writeString(settings, """
                <settings>
                  <profiles><profile><id>this-machine</id>
                    <repositories><repository><id>this-machine</id><url>%1$s</url></repository></repositories>
                    <pluginRepositories><pluginRepository><id>this-machine</id><url>%1$s</url></pluginRepository></pluginRepositories>
                  </profile></profiles>
                  <activeProfiles><activeProfile>this-machine</activeProfile></activeProfiles>
                </settings>
                """.formatted(sharedRepo.toUri()));
        Path project = tmp.resolve("uses-yundoc");
        copyProject(root.resolve("yundoc-testkit/src/it/jdk17-consumer"), project, version);

        Path data = Files.createDirectory(tmp.resolve("data"));
        try (YundocServer server = YundocServer.start(ServerConfig.builder()
                .port(0)
                .bind("127.0.0.1")
                .dataDir(data)
                .dev(true)
                .adminToken("jdk17-consumer-admin")
                .build())) {
            Path log = tmp.resolve("mvn.log");
            ProcessBuilder pb = new ProcessBuilder(
                            "mvn", "-B", "-ntp", "-s", settings.toString(), "-Dmaven.repo.local=" + repo, "test")
                    .directory(project.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = pb.environment();
            env.put("JAVA_HOME", jdk17.toString());
            env.put("PATH", jdk17.resolve("bin") + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
            env.remove("MAVEN_OPTS"); // bin/_jdk.sh sets a JDK 24+ flag there that a JDK 17 JVM refuses
            env.put("YUNDOC_URL", server.url());
            env.put("YUNDOC_ADMIN_TOKEN", "jdk17-consumer-admin");
            Process p = pb.start();
            boolean finished = p.waitFor(8, TimeUnit.MINUTES);
            if (!finished) {
                p.destroyForcibly();
            }
            String out = Files.readString(log);
            assertThat(finished)
                    .as("mvn test in the JDK 17 project did not finish in 8 minutes:\n" + out)
                    .isTrue();
            assertThat(p.exitValue())
                    .as("mvn test in the JDK 17 project failed:\n" + out)
                    .isZero();
        }
        Path report = project.resolve("target/surefire-reports/TEST-com.example.UsesYundocTest.xml");
        String xml = Files.readString(report);
        assertThat(xml)
                .contains("tests=\"2\"")
                .contains("failures=\"0\"")
                .contains("errors=\"0\"")
                .contains("skipped=\"0\"");
        assertThat(xml).contains("name=\"java.specification.version\" value=\"17\"");
    }

    /** What {@code mvn install} puts in a local repository for one jar: the jar, its published pom, sources, javadoc. */
    private static void install(Path target, String artifact, String version, Path dir) throws IOException {
        Files.createDirectories(dir);
        String base = artifact + "-" + version;
        Path pom = target.resolve("published-pom.xml");
        String pomText = Files.readString(pom);
        // the published pom stands alone: no parent (which imports Helidon's BOM), no dependency management
        assertThat(pomText)
                .doesNotContain("<parent>")
                .doesNotContain("dependencyManagement")
                .doesNotContainIgnoringCase("helidon");
        Files.copy(pom, dir.resolve(base + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        for (String suffix : List.of("", "-sources", "-javadoc")) {
            Path jar = target.resolve(base + suffix + ".jar");
            try (ZipFile z = new ZipFile(jar.toFile())) {
                assertThat(z.stream()
                                .anyMatch(e -> e.getName()
                                        .endsWith(
                                                suffix.equals("-javadoc")
                                                        ? "index.html"
                                                        : suffix.isEmpty() ? ".class" : ".java")))
                        .as(jar + " holds what it should")
                        .isTrue();
            }
            Files.copy(jar, dir.resolve(base + suffix + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void copyProject(Path from, Path to, String version) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            walk.forEach(src -> {
                Path dst = to.resolve(from.relativize(src).toString());
                try {
                    if (Files.isDirectory(src)) {
                        Files.createDirectories(dst);
                    } else {
                        Files.writeString(
                                dst,
                                Files.readString(src).replace("@YUNDOC_VERSION@", version),
                                StandardCharsets.UTF_8);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}

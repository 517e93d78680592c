package io.yundoc.testcontainers;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The container side of these tests, once per JVM: the image from {@code bin/image} (reused while its inputs are
 * unchanged), and podman's Docker-compatible API service for Testcontainers. Needs root and podman ({@code bin/image}
 * installs it); when either is missing the tests fail, they never skip.
 */
final class Podman {
    static final Path ROOT =
            Path.of(System.getProperty("yundoc.root", "..")).toAbsolutePath().normalize();
    private static String image;
    private static Process service;

    private Podman() {}

    /** The image tag {@code localhost/yundoc:h-<hash>}, built from yundoc-cli's jars as they are now. */
    static synchronized String image() {
        if (image == null) {
            Path log = ROOT.resolve("yundoc-testcontainers/target/image-build.log");
            ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("bin/image").toString())
                    .directory(ROOT.toFile())
                    .redirectError(log.toFile());
            pb.environment().put("YUNDOC_IMAGE_NO_BUILD", "1"); // Maven packaged yundoc-cli just before this module
            List<String> out = run(pb, 30);
            image = out.getLast();
            if (!image.startsWith("localhost/yundoc:h-")) {
                throw new IllegalStateException("bin/image printed " + out + "; see " + log);
            }
        }
        return image;
    }

    /** Starts {@code podman system service} on the socket that DOCKER_HOST names, where Testcontainers looks. */
    static synchronized void dockerApi() {
        if (service != null) {
            return;
        }
        image(); // also makes sure podman is installed and configured
        String host = System.getenv("DOCKER_HOST");
        if (host == null || !host.startsWith("unix://")) {
            throw new IllegalStateException(
                    "DOCKER_HOST must name a unix socket for podman's API (Surefire sets it), not " + host);
        }
        Path sock = Path.of(host.substring("unix://".length()));
        try {
            Files.createDirectories(sock.getParent());
            Files.deleteIfExists(sock); // left by an earlier run whose service is gone
            service = new ProcessBuilder("podman", "system", "service", "--time=0", host)
                    .redirectErrorStream(true)
                    .redirectOutput(sock.resolveSibling("podman-service.log").toFile())
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(service::destroy));
            await("podman API on " + sock)
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> ping(sock));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean ping(Path sock) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(sock));
            ch.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: d\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buf = ByteBuffer.allocate(256);
            ch.read(buf);
            return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).startsWith("HTTP/1.0 200")
                    || new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
        }
    }

    /** Runs {@code podman args...}; fails on a non-zero exit, with its output. Returns stdout's lines. */
    static List<String> podman(String... args) {
        List<String> cmd = new ArrayList<>(List.of("podman"));
        cmd.addAll(List.of(args));
        return run(new ProcessBuilder(cmd).redirectErrorStream(true), 5);
    }

    /** As {@link #podman}, returning the exit code instead of failing. */
    static int podmanExit(String... args) {
        List<String> cmd = new ArrayList<>(List.of("podman"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(cmd + " did not finish");
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> run(ProcessBuilder pb, int minutes) {
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(pb.command() + " did not finish in " + minutes + " min");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(pb.command() + " exited " + p.exitValue() + ": " + out);
            }
            return out.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(pb.command() + " could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

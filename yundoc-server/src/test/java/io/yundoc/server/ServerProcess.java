package io.yundoc.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A yundoc server in a JVM of its own, for tests that kill it with SIGKILL: {@code ServerProcess <data dir> [<db url>
 * <blobs url> <quota url>]} (dev mode, admin token {@code test-admin-token}, a free port). Prints {@code PORT <n>} once
 * it serves, then runs until killed.
 */
public final class ServerProcess {
    private ServerProcess() {}

    public static void main(String[] args) throws Exception {
        ServerConfig.Builder b = ServerConfig.builder()
                .port(0)
                .bind("127.0.0.1")
                .dataDir(Path.of(args[0]))
                .dev(true)
                .adminToken("test-admin-token");
        if (args.length >= 4) {
            b.db(args[1]).blobs(args[2]).quota(args[3]);
        }
        String allow = System.getProperty("yundoc.test.cloudAllow");
        if (allow != null) {
            b.cloudAllow(List.of(allow.split(","))); // e.g. a loopback webhook receiver
        }
        YundocServer server = YundocServer.start(b.build());
        System.out.println("PORT " + server.port());
        System.out.flush();
        Thread.currentThread().join();
    }

    /** Starts one on {@code dataDir} with the test JVM's class path; returns once it printed its port. */
    public static Started start(Path dataDir, String... backends) throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx256m", "--enable-native-access=ALL-UNNAMED"));
        if (System.getProperty("yundoc.test.cloudAllow") != null) {
            cmd.add("-Dyundoc.test.cloudAllow=" + System.getProperty("yundoc.test.cloudAllow"));
        }
        cmd.addAll(List.of(
                "-cp", System.getProperty("java.class.path"), ServerProcess.class.getName(), dataDir.toString()));
        cmd.addAll(List.of(backends));
        Path log = Files.createTempFile("yundoc-server-process", ".log");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        var line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String first;
        try {
            first = line.get(180, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            first = null;
        }
        if (first == null || !first.startsWith("PORT ")) {
            p.destroyForcibly();
            throw new AssertionError("server process did not start: " + Files.readString(log));
        }
        return new Started(p, Integer.parseInt(first.substring(5).trim()), log);
    }

    /** A running server process and its port; {@link #kill} sends SIGKILL. */
    public record Started(Process process, int port, Path log) {
        public void kill() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no close(), no cleanup
            process.waitFor();
        }
    }
}

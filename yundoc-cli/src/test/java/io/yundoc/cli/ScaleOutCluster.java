package io.yundoc.cli;

import io.yundoc.server.ScaleOutBackends;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Several {@code yundoc serve} processes (separate JVMs, so one can be killed with SIGKILL) on the shared scale-out
 * backends, with a real nginx in front (round-robin). Used by the two-instance test.
 */
final class ScaleOutCluster implements AutoCloseable {
    static final String ADMIN_TOKEN = "cluster-admin-token";
    final String schema = ScaleOutBackends.newSchema();
    final String db = ScaleOutBackends.jdbcUrl(schema);
    final String blobs = ScaleOutBackends.s3().url(schema + "/");
    final String quota = ScaleOutBackends.REDIS + "?prefix=" + schema + ":";
    final List<Instance> instances = new ArrayList<>();
    final Path dir;
    final int nginxPort = ScaleOutBackends.freePort();
    Process nginx;

    record Instance(int port, Process process, Path log) {
        String url() {
            return "http://127.0.0.1:" + port;
        }
    }

    ScaleOutCluster() throws IOException {
        dir = Files.createTempDirectory("yundoc-cluster");
    }

    String nginxUrl() {
        return "http://127.0.0.1:" + nginxPort;
    }

    Instance startInstance(String... extra) throws Exception {
        int port = ScaleOutBackends.freePort();
        Path data = Files.createDirectories(dir.resolve("data-" + port));
        Path log = dir.resolve("yundoc-" + port + ".log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                "io.yundoc.cli.Main",
                "serve",
                "--port",
                Integer.toString(port),
                "--data",
                data.toString(),
                "--public-url",
                nginxUrl(),
                "--db",
                db,
                "--blobs",
                blobs,
                "--quota",
                quota));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("YUNDOC_ADMIN_TOKEN", ADMIN_TOKEN);
        Process p = pb.start();
        Instance i = new Instance(port, p, log);
        instances.add(i);
        try {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> !p.isAlive() || ready(i.url()));
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("yundoc not ready in 90 s: " + Files.readString(log));
        }
        if (!p.isAlive()) {
            throw new IllegalStateException("yundoc exited: " + Files.readString(log));
        }
        return i;
    }

    static boolean ready(String base) {
        try {
            HttpResponse<Void> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(base + "/health"))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** nginx (Debian package) in the foreground with a temp config: round-robin over every started instance. */
    void startNginx() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/sbin/nginx"))) {
            throw new IllegalStateException("/usr/sbin/nginx missing: apt-get install nginx (CI installs it)");
        }
        StringBuilder upstream = new StringBuilder();
        for (Instance i : instances) {
            upstream.append("    server 127.0.0.1:").append(i.port()).append(" max_fails=1 fail_timeout=5s;\n");
        }
        String conf = nginxConfig(dir, nginxPort, upstream.toString(), "root".equals(System.getProperty("user.name")));
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        nginx = new ProcessBuilder("/usr/sbin/nginx", "-p", dir.toString(), "-c", confFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("nginx.out").toFile())
                .start();
        boolean up;
        try {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> !nginx.isAlive() || ScaleOutBackends.listening(nginxPort));
            up = nginx.isAlive();
        } catch (ConditionTimeoutException e) {
            up = false;
        }
        if (!up) {
            throw new IllegalStateException("nginx did not start: " + Files.readString(dir.resolve("nginx.out"))
                    + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""));
        }
    }

    /** The same shape as docs/nginx-two-instances.conf, with test paths and ports. */
    static String nginxConfig(Path dir, int port, String upstreamServers, boolean root) {
        return (root ? "user root;\n" : "") + """
                worker_processes 1;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 4096; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/body;
                  proxy_temp_path %1$s/proxy;
                  fastcgi_temp_path %1$s/fastcgi;
                  uwsgi_temp_path %1$s/uwsgi;
                  scgi_temp_path %1$s/scgi;
                  upstream yundoc {
                %2$s    keepalive 64;
                  }
                  server {
                    listen 127.0.0.1:%3$d;
                    client_max_body_size 0;
                    location / {
                      proxy_pass http://yundoc;
                      proxy_http_version 1.1;
                      proxy_set_header Connection "";
                      proxy_set_header Host $http_host;
                      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                      proxy_set_header X-Forwarded-Proto $scheme;
                      proxy_connect_timeout 2s;
                      proxy_next_upstream error timeout http_502 http_503;
                      proxy_request_buffering off;
                      proxy_buffering off;
                    }
                  }
                }
                """.formatted(dir, upstreamServers, port);
    }

    @Override
    public void close() {
        if (nginx != null) {
            nginx.destroy();
            waitQuietly(nginx);
        }
        for (Instance i : instances) {
            i.process().destroy();
        }
        for (Instance i : instances) {
            waitQuietly(i.process());
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void waitQuietly(Process p) {
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
        }
    }
}

package io.yundoc.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code yundoc wait}: blocks until {@code /health} answers 200, for scripts that start a server and then use it. */
@Command(
        name = "wait",
        mixinStandardHelpOptions = true,
        description = "Wait until the server answers GET /health with 200. Exit 0 when healthy, 1 after --timeout.")
final class WaitCommand implements Callable<Integer> {
    @Option(names = "--server", description = "server base URL (default: from login, else http://127.0.0.1:8080)")
    String server;

    @Option(
            names = "--timeout",
            defaultValue = "60s",
            converter = Units.DurationConverter.class,
            description = "how long to wait (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ClientOptions o = new ClientOptions();
        o.server = server;
        String base = o.server();
        URI health = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/health");
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        String last = "no answer yet";
        while (true) {
            try {
                // at least 500 ms per attempt, so that the last one near the deadline can still tell what is wrong
                long left = (deadline - System.nanoTime()) / 1_000_000;
                HttpResponse<Void> r = http.send(
                        HttpRequest.newBuilder(health)
                                .timeout(Duration.ofMillis(Math.min(Math.max(left, 500), 5000)))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    spec.commandLine()
                            .getOut()
                            .printf(
                                    "yundoc at %s is healthy (after %.1f s)%n",
                                    base, (System.nanoTime() - started) / 1e9);
                    return 0;
                }
                last = "HTTP " + r.statusCode();
            } catch (IOException e) {
                String n = CliErrors.network(e, base);
                last = n != null ? n : e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Main.EXIT_API;
            }
            if (System.nanoTime() >= deadline) {
                spec.commandLine()
                        .getErr()
                        .println("yundoc: " + health + " not healthy after " + timeout.toSeconds() + "s" + " (last: "
                                + last + ")");
                return Main.EXIT_API;
            }
            LockSupport.parkNanos(Math.min(250_000_000L, Math.max(0, deadline - System.nanoTime())));
        }
    }
}

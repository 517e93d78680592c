package io.yundoc.server.core;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The Prometheus registry behind {@code /metrics}: the few meters the server records, and Micrometer's JVM and
 * process binders (memory, GC, threads, classes, CPU, uptime, open files).
 */
public final class Metrics implements AutoCloseable {
    /**
     * Request-time buckets: a dozen fixed bounds instead of Micrometer's ~70-bucket percentile histogram, per route,
     * code and status series (Prometheus cost grows with buckets × series).
     */
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(1),
        Duration.ofMillis(2),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(20),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofSeconds(5),
        Duration.ofSeconds(30)
    };

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final Counter bytesServed;

    /** Holds GC notification listeners: closed with the server so that servers started in one JVM do not pile up. */
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public Metrics() {
        bytesServed = Counter.builder("yundoc_bytes_served")
                .description("file bytes sent to clients")
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** One request: its route, KDocs {@code code} (0 on success) and HTTP {@code status}, and how long it took. */
    public void request(String method, String route, int code, int status, long nanos) {
        String key = method + ' ' + route + ' ' + code + ' ' + status;
        Timer t = timers.get(key);
        if (t == null) {
            t = timers.computeIfAbsent(
                    key,
                    k -> Timer.builder("yundoc_http_requests")
                            .description("API and page requests by route, KDocs code and HTTP status")
                            .tag("method", method)
                            .tag("route", route)
                            .tag("code", Integer.toString(code))
                            .tag("status", Integer.toString(status))
                            .serviceLevelObjectives(BUCKETS)
                            .register(registry));
        }
        t.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void quotaRejected(String endpoint) {
        count("yundoc_quota_rejections", "endpoint", endpoint);
    }

    public void wps2Failure(String reason) {
        count("yundoc_wps2_failures", "reason", reason);
    }

    public void bytesServed(long n) {
        bytesServed.increment((double) n); // exact up to 2^53 bytes
    }

    private void count(String name, String tag, String value) {
        counters.computeIfAbsent(
                        name + '|' + value,
                        k -> Counter.builder(name).tag(tag, value).register(registry))
                .increment();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
    }
}

package io.yundoc.server.core;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The Prometheus registry behind {@code /metrics}, with the few meters the server records. */
public final class Metrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final Counter bytesServed;

    public Metrics() {
        bytesServed = Counter.builder("yundoc_bytes_served").description("file bytes sent to clients").register(registry);
    }

    public void request(String method, String route, int code, long nanos) {
        String key = method + ' ' + route + ' ' + code;
        Timer t = timers.get(key);
        if (t == null) {
            t = timers.computeIfAbsent(key, k -> Timer.builder("yundoc_http_requests")
                    .description("API and page requests by route and KDocs code")
                    .tag("method", method).tag("route", route).tag("code", Integer.toString(code))
                    .publishPercentileHistogram()
                    .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofMillis(100))
                    .register(registry));
        }
        t.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public void quotaRejected(String endpoint) {
        count("yundoc_quota_rejections", "endpoint", endpoint);
    }

    public void wps2Failure(String reason) {
        count("yundoc_wps2_failures", "reason", reason);
    }

    public void bytesServed(long n) {
        bytesServed.increment(n);
    }

    private void count(String name, String tag, String value) {
        counters.computeIfAbsent(name + '|' + value, k -> Counter.builder(name).tag(tag, value).register(registry)).increment();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public String scrape() {
        return registry.scrape();
    }
}

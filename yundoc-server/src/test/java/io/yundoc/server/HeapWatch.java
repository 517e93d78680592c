package io.yundoc.server;

import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples the heap after forced collections while a transfer runs; {@link #growth} is the peak over the start. The
 * server runs in the test's JVM, so a server that buffered a body would show here (AppSpaceLargeUploadTest,
 * DriveHugeUploadTest).
 */
public final class HeapWatch implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();
    private final long baseline;
    private final Thread thread;

    public HeapWatch() {
        baseline = usedAfterGc();
        thread = new Thread(() -> {
            while (running.get()) {
                peak.accumulateAndGet(usedAfterGc(), Math::max);
                samples.incrementAndGet();
                try {
                    Thread.sleep(150); // a sampling period, not a wait for a condition
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        thread.setDaemon(true);
        thread.start();
    }

    static long usedAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Returns once a sample taken wholly after this call is in {@link #growth()}. */
    public void awaitNextSample() {
        long after = samples.get() + 1; // the sample running now may have read the heap before this call
        await().atMost(Duration.ofSeconds(30)).until(() -> samples.get() > after);
    }

    public long growth() {
        return peak.get() - baseline;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join();
    }
}

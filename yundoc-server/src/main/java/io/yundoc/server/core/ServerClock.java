package io.yundoc.server.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The one clock every expiry in the server reads. In dev mode its offset from the system clock can be moved
 * (the emulator clock); the offset is persisted by the owner through {@code onChange}.
 */
public final class ServerClock extends Clock {
    private final Clock base;
    private final AtomicLong offsetMillis;
    private volatile LongConsumer onChange = v -> {};

    public ServerClock(Clock base, long offsetMillis) {
        this.base = base;
        this.offsetMillis = new AtomicLong(offsetMillis);
    }

    public void onChange(LongConsumer listener) {
        this.onChange = listener;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.offset(base, Duration.ofMillis(offsetMillis.get())).withZone(zone);
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public long millis() {
        return base.millis() + offsetMillis.get();
    }

    public long epochSeconds() {
        return Math.floorDiv(millis(), 1000);
    }

    public long offsetMillis() {
        return offsetMillis.get();
    }

    public void advanceMillis(long delta) {
        onChange.accept(offsetMillis.addAndGet(delta));
    }

    public void set(Instant now) {
        long off = now.toEpochMilli() - base.millis();
        offsetMillis.set(off);
        onChange.accept(off);
    }

    /** Adopts an offset persisted by another instance, without writing it back. */
    public void adopt(long offset) {
        offsetMillis.set(offset);
    }
}

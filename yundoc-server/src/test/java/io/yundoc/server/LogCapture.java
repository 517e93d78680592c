package io.yundoc.server;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The records a JUL logger (and the loggers below it) publishes from {@link #on} until {@link #close}, at or above a
 * level: for tests that check what a server logged, or that it logged nothing. The records stay readable after close.
 */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler handler;

    private LogCapture(Logger logger, Level least) {
        this.logger = logger;
        this.handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= least.intValue()) {
                    synchronized (records) {
                        records.add(r);
                    }
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
    }

    /** Starts capturing what {@code logger} publishes at {@code least} or above. */
    public static LogCapture on(Logger logger, Level least) {
        LogCapture c = new LogCapture(logger, least);
        logger.addHandler(c.handler);
        return c;
    }

    /** What was captured so far. */
    public List<LogRecord> records() {
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    /** What was captured so far, forgetting it. */
    public List<LogRecord> drain() {
        synchronized (records) {
            List<LogRecord> copy = List.copyOf(records);
            records.clear();
            return copy;
        }
    }

    /** "logger: message" (and the throwable, if any) per record, for assertion messages. */
    public static List<String> lines(List<LogRecord> records) {
        List<String> lines = new ArrayList<>();
        for (LogRecord r : records) {
            lines.add(r.getLoggerName() + ": " + r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown()));
        }
        return lines;
    }

    /** Stops capturing. */
    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}

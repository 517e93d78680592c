package io.yundoc.server.core;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Values computed once per key, for hot paths that see few distinct keys (header names, SQL texts, stored JSON
 * columns). Past {@code maxEntries} keys, new values are still computed but no longer kept, so a flood of distinct
 * keys cannot make it grow. Two threads may compute the same value once each; the function must be pure.
 */
public final class Memo<K, V> {
    private final ConcurrentHashMap<K, V> values = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final Function<K, V> compute;

    public Memo(int maxEntries, Function<K, V> compute) {
        this.maxEntries = maxEntries;
        this.compute = compute;
    }

    public V get(K key) {
        V v = values.get(key);
        if (v == null) {
            v = compute.apply(key);
            if (values.size() < maxEntries) {
                values.put(key, v);
            }
        }
        return v;
    }
}

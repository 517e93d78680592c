package io.yundoc.server.core;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --trusted-proxies}: the CIDRs (e.g. {@code 10.0.0.0/8,127.0.0.1/32,::1/128}) whose {@code Forwarded} /
 * {@code X-Forwarded-*} headers are believed. Headers from any other peer are ignored, so a client cannot forge its
 * address or the public URL by sending them itself.
 */
public final class TrustedProxies {
    private final List<Cidr> cidrs;

    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    private TrustedProxies(List<Cidr> cidrs) {
        this.cidrs = cidrs;
    }

    /** Parses a comma-separated list of literal addresses or CIDRs (no host names: nothing is resolved). */
    public static TrustedProxies parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return NONE;
        }
        List<Cidr> out = new ArrayList<>();
        for (String part : spec.split(",", -1)) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            try {
                out.add(Cidr.parse(p)
                        .orElseThrow(() ->
                                new IllegalArgumentException("--trusted-proxies: not an IP address or CIDR: " + p)));
            } catch (Cidr.Malformed e) {
                throw new IllegalArgumentException(
                        e.problem() == Cidr.Problem.ADDRESS
                                ? "--trusted-proxies: not an IP address or CIDR: " + p
                                : "--trusted-proxies: bad prefix length in " + p,
                        e);
            }
        }
        return new TrustedProxies(List.copyOf(out));
    }

    public boolean isEmpty() {
        return cidrs.isEmpty();
    }

    public boolean trusts(InetAddress peer) {
        if (peer == null) {
            return false;
        }
        for (Cidr c : cidrs) {
            if (c.contains(peer)) {
                return true;
            }
        }
        return false;
    }
}

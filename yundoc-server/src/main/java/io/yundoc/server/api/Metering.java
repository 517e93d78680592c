package io.yundoc.server.api;

import io.yundoc.server.core.ReadCache;
import io.yundoc.server.quota.QuotaService;
import java.util.Optional;

/** Step 6 of api.md §1.5: one quota count per metered call, its rate-limit headers kept for the answer. */
final class Metering {
    private final QuotaService quota;

    Metering(QuotaService quota) {
        this.quota = quota;
    }

    /**
     * Counts the call for the app; false when nothing was counted because the rows the call was decided on were out
     * of date ({@link ReadCache.Reads#settle} then decides it again). Throws 30002 when the day's quota is used up.
     */
    boolean count(Call call, ReadCache.Reads reads, String appId, boolean formal, String quotaOverrides) {
        Endpoint e = call.endpoint();
        if (e.tier() == null) {
            return true;
        }
        Optional<QuotaService.Decision> counted =
                quota.consume(reads, appId, formal, quotaOverrides, e.key(), e.tier());
        counted.ifPresent(d -> d.addHeaders(call.headers));
        return counted.isPresent();
    }
}

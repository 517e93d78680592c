package io.yundoc.server.office;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.yundoc.server.TestServer;
import java.time.Duration;

/** The conversion task query (docs/api-families.md §F3) as the office tests poll it. */
final class ConvertTasks {
    private ConvertTasks() {}

    /** The task's answer ({@code code}, {@code data}) to {@code app}. */
    static JsonNode query(TestServer ts, TestServer.App app, String id) {
        return TestServer.json(
                ts.signed(app, "GET", "/api/v1/openapi/office/convert/tasks/" + id, null, "application/json"));
    }

    /** Polls the task until it is no longer processing (3 minutes at most); its last {@code data}. */
    static JsonNode awaitEnd(TestServer ts, TestServer.App app, String id) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    last[0] = query(ts, app, id).path("data");
                    return !last[0].path("status").asText().equals("processing");
                });
        return last[0];
    }
}

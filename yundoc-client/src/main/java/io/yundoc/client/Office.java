package io.yundoc.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Conversion and extraction (docs/api-families.md §F3), signed with WPS-2 from the client's app id and key. Obtain it
 * from {@link YundocClient#office()}. The input is a URL the server fetches (not a file token, as on KDocs).
 *
 * <pre>{@code
 * Office.Result pdf = client.office().convertToPdf("https://example.com/a.docx", "a.docx").await(Duration.ofMinutes(2));
 * String url = pdf.outputs().get(0).url();   // valid 30 minutes
 * }</pre>
 */
public final class Office {
    private static final String BASE = "/api/v1/openapi/office";
    private final Transport t;

    Office(Transport t) {
        this.t = t;
    }

    /** {@code POST /office/convert/files/to/pdf}. */
    public Task convertToPdf(String url, String filename) {
        return convert("pdf", request(url, filename));
    }

    /** {@code POST /office/convert/files/to/jpg}: one image per page. */
    public Task convertToJpg(String url, String filename) {
        return convert("jpg", request(url, filename));
    }

    /** {@code POST /office/convert/files/to/txt}: one text per page. */
    public Task convertToTxt(String url, String filename) {
        return convert("txt", request(url, filename));
    }

    /** A request body with {@code url} and {@code filename}, to add the other §F3.2 fields to. */
    public static ObjectNode request(String url, String filename) {
        return YundocClient.object()
                .put("url", Objects.requireNonNull(url, "url"))
                .put("filename", Objects.requireNonNull(filename, "filename"));
    }

    /**
     * {@code POST /office/convert/files/to/<kind>} with any §F3.2 fields ({@code ranges}, {@code image_dpi},
     * {@code long_pic}, {@code password}, ...).
     *
     * @param kind {@code pdf}, {@code jpg} or {@code txt}
     */
    public Task convert(String kind, ObjectNode body) {
        if (!List.of("pdf", "jpg", "txt").contains(kind)) {
            throw new IllegalArgumentException("kind must be pdf, jpg or txt");
        }
        ApiRequest r = new ApiRequest("POST", BASE + "/convert/files/to/" + kind, ApiRequest.Auth.WPS2)
                .json(YundocClient.bytes(body));
        JsonNode data = t.call(r, JsonNode.class);
        return new Task(data.path("task_id").asText());
    }

    /** {@code GET /office/convert/tasks/:task_id}: where a task is now. */
    public Status status(String taskId) {
        JsonNode d = t.call(
                new ApiRequest("GET", BASE + "/convert/tasks/" + ApiRequest.enc(taskId), ApiRequest.Auth.WPS2),
                JsonNode.class);
        List<Output> outputs = new ArrayList<>();
        JsonNode result = d.path("result");
        for (String key : new String[] {"pdfs", "images", "txts"}) {
            for (JsonNode o : result.path(key)) {
                outputs.add(new Output(
                        o.path("url").asText(),
                        o.path("size").asLong(),
                        o.hasNonNull("slideId") ? o.path("slideId").asText() : null));
            }
        }
        return new Status(
                d.path("status").asText(),
                d.path("progress").asInt(),
                d.hasNonNull("message") ? d.path("message").asText() : null,
                outputs,
                d.path("task").path("elapsed").asLong(),
                d.path("task").path("resource_size").asLong());
    }

    /** {@code POST /office/extract/plaintext}: the document's text (synchronous). */
    public String extractPlainText(String url, String filename) {
        ApiRequest r = new ApiRequest("POST", BASE + "/extract/plaintext", ApiRequest.Auth.WPS2)
                .json(YundocClient.bytes(request(url, filename)));
        return t.call(r, JsonNode.class).path("text").asText();
    }

    /** A task's state: {@code processing}, {@code success} or {@code failure}. */
    public record Status(
            String status, int progress, String message, List<Output> outputs, long elapsedMillis, long resourceSize) {
        public boolean done() {
            return !status.equals("processing");
        }
    }

    /** One output: a temporary URL (30 minutes), its size, and for images the page ({@code slideId}). */
    public record Output(String url, long size, String slideId) {}

    /** A task that failed: {@link #code()} is 30011 (ExecuteFailed), {@link #hint()} the task's message. */
    public static final class ConversionFailedException extends YundocException {
        private static final long serialVersionUID = 1L;

        ConversionFailedException(String taskId, String message) {
            super(30011, "ExecuteFailed", "task " + taskId + ": " + message, 200, null, null);
        }
    }

    /** A conversion task; {@link #await} polls it until it ends. */
    public final class Task {
        private final String id;

        Task(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public Status status() {
            return Office.this.status(id);
        }

        /**
         * Polls (every 300 ms, then up to every 2 s) until the task ends.
         *
         * @return the successful task's status with its outputs
         * @throws ConversionFailedException when the task failed
         * @throws YundocClientException     when {@code timeout} passes first
         */
        public Status await(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            long sleep = 300;
            while (true) {
                Status s = status();
                if (s.status().equals("success")) {
                    return s;
                }
                if (s.status().equals("failure")) {
                    throw new ConversionFailedException(id, s.message() == null ? "conversion failed" : s.message());
                }
                if (System.nanoTime() + sleep * 1_000_000 > deadline) {
                    throw new YundocClientException("task " + id + " still " + s.status() + " (" + s.progress()
                            + " %) after " + timeout.toSeconds() + " s");
                }
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new YundocClientException("interrupted while waiting for task " + id, e);
                }
                sleep = Math.min(2000, sleep * 2);
            }
        }
    }
}

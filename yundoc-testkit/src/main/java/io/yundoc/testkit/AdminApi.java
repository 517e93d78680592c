package io.yundoc.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** One call of yundoc's admin API ({@code /admin/v1}), as {@link YundocEmulator} and the container module make it. */
public final class AdminApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AdminApi() {}

    /**
     * Calls the admin API and returns the answer's {@code data}.
     *
     * @param baseUrl the server's base URL, without a trailing slash
     * @param path below {@code /admin/v1}, e.g. {@code /clock}
     * @param body a JSON body, or null
     * @throws IllegalStateException on an error answer (HTTP status and body in the message) or an interrupt
     * @throws UncheckedIOException when the server cannot be reached
     */
    public static JsonNode call(
            HttpClient http, String baseUrl, String adminToken, String method, String path, JsonNode body) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + "/admin/v1" + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            JsonNode n = JSON.readTree(r.body());
            if (r.statusCode() != 200 || n.path("code").asInt(-1) != 0) {
                throw new IllegalStateException(
                        "admin " + method + " " + path + ": HTTP " + r.statusCode() + " " + r.body());
            }
            return n.path("data");
        } catch (IOException e) {
            throw new UncheckedIOException("admin " + method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}

package io.yundoc.protocol.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.yundoc.protocol.ErrorCode;

/** The response envelopes of api.md §1.2. */
public final class Envelope {
    private Envelope() {}

    /** {@code {"code":0,"data":...}}; {@code data} null gives {@code {"code":0}} (appspace destroy). */
    @JsonPropertyOrder({"code", "data"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Ok(
            @JsonProperty("code") int code,
            @JsonProperty("data") Object data) {
        public static Ok of(Object data) {
            return new Ok(0, data);
        }
    }

    /** {@code {"code":0,"result":"ok","data":...}}: the two OAuth token responses. */
    @JsonPropertyOrder({"code", "result", "data"})
    public record OkResult(
            @JsonProperty("code") int code,
            @JsonProperty("result") String result,
            @JsonProperty("data") Object data) {
        public static OkResult of(Object data) {
            return new OkResult(0, "ok", data);
        }
    }

    /** {@code {"code":N,"msg":"Name","result":"Name","hint":"..."}}. */
    @JsonPropertyOrder({"code", "msg", "result", "hint"})
    @SuppressWarnings("AvoidCommonTypeNames") // the envelope's own name, written Envelope.Error wherever it is used
    public record Error(
            @JsonProperty("code") int code,
            @JsonProperty("msg") String msg,
            @JsonProperty("result") String result,
            @JsonProperty("hint") String hint) {
        public static Error of(ErrorCode code, String hint) {
            return new Error(code.code(), code.wireName(), code.wireName(), hint);
        }
    }
}

package io.yundoc.protocol.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** {@code data} of the download endpoints, exactly as personal/download.html shows it. */
@JsonPropertyOrder({"checksums", "fsize", "url"})
public record DownloadInfo(
        @JsonProperty("checksums") Checksums checksums,
        @JsonProperty("fsize") long fsize,
        @JsonProperty("url") String url) {

    public record Checksums(@JsonProperty("sha1") String sha1) {}
}

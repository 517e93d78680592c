package io.yundoc.protocol.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonRawValue;
import java.util.Map;

/**
 * App-space file info, exactly as appspace/fileinfo.html shows it. {@code creator} and {@code modifier} hold raw
 * JSON so they come back with the JSON type the client sent.
 */
@JsonPropertyOrder({
    "content_type",
    "creator",
    "ctime",
    "file_token",
    "modifier",
    "mtime",
    "name",
    "parent_token",
    "size",
    "sys_metadata",
    "type",
    "version"
})
public record AppFileInfo(
        @JsonProperty("content_type") String contentType,
        @JsonProperty("creator") @JsonRawValue String creator,
        @JsonProperty("ctime") long ctime,
        @JsonProperty("file_token") String fileToken,
        @JsonProperty("modifier") @JsonRawValue String modifier,
        @JsonProperty("mtime") long mtime,
        @JsonProperty("name") String name,
        @JsonProperty("parent_token") String parentToken,
        @JsonProperty("size") long size,
        @JsonProperty("sys_metadata") Map<String, Object> sysMetadata,
        @JsonProperty("type") String type,
        @JsonProperty("version") long version) {}

package io.yundoc.protocol.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** A personal file or folder as the list, create and upload endpoints return it (api.md §5.1). */
@JsonPropertyOrder({"id", "fname", "ftype", "fsize", "ctime", "mtime", "parent_id"})
public record FileItem(
        @JsonProperty("id") FileId id,
        @JsonProperty("fname") String fname,
        @JsonProperty("ftype") String ftype,
        @JsonProperty("fsize") long fsize,
        @JsonProperty("ctime") long ctime,
        @JsonProperty("mtime") long mtime,
        @JsonProperty("parent_id") String parentId) {

    @JsonPropertyOrder({"open_id", "union_id"})
    public record FileId(
            @JsonProperty("open_id") String openId,
            @JsonProperty("union_id") String unionId) {}
}

package io.yundoc.protocol.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** A share link, exactly as personal/get-links.html shows it. {@code expireTime} 0 means permanent. */
@JsonPropertyOrder({"expire_time", "ext_perm_list", "link_permission", "link_url", "sid", "filename"})
public record LinkInfo(
        @JsonProperty("expire_time") long expireTime,
        @JsonProperty("ext_perm_list") List<String> extPermList,
        @JsonProperty("link_permission") String linkPermission,
        @JsonProperty("link_url") String linkUrl,
        @JsonProperty("sid") String sid,
        @JsonProperty("filename") String filename) {}

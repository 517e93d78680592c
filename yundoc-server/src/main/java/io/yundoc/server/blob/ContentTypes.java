package io.yundoc.server.blob;

import java.util.Locale;
import java.util.Map;

/** Content-Type by file extension (api.md §6), falling back to application/octet-stream. */
public final class ContentTypes {
    public static final String OCTET = "application/octet-stream";
    private static final Map<String, String> BY_EXT = Map.ofEntries(
            Map.entry("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            Map.entry("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            Map.entry("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
            Map.entry("doc", "application/msword"),
            Map.entry("xls", "application/vnd.ms-excel"),
            Map.entry("ppt", "application/vnd.ms-powerpoint"),
            Map.entry("pdf", "application/pdf"),
            Map.entry("txt", "text/plain"),
            Map.entry("md", "text/markdown"),
            Map.entry("csv", "text/csv"),
            Map.entry("html", "text/html"),
            Map.entry("htm", "text/html"),
            Map.entry("json", "application/json"),
            Map.entry("xml", "application/xml"),
            Map.entry("log", "text/plain"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("mp3", "audio/mpeg"),
            Map.entry("wps", "application/vnd.ms-works"),
            Map.entry("et", "application/vnd.ms-excel"),
            Map.entry("dps", "application/vnd.ms-powerpoint"));

    private ContentTypes() {}

    public static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 || dot == name.length() - 1
                ? ""
                : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    public static String of(String name) {
        return BY_EXT.getOrDefault(extension(name), OCTET);
    }
}

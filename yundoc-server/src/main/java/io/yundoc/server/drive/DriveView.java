package io.yundoc.server.drive;

import io.yundoc.protocol.wire.LinkInfo;
import io.yundoc.server.files.FileRecord;
import io.yundoc.server.links.LinkStore;
import io.yundoc.server.web.PageText;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one render of {@code /drive} shows (drive.jte). {@code state} holds the page's query parameters (view,
 * folder, sort, order, q, mode) so every link and form keeps them; the template builds URLs only through
 * {@link #url}.
 */
public record DriveView(
        PageText t,
        String userName,
        String csrf,
        String view,
        Map<String, String> state,
        List<FileRecord> path,
        FileRecord folder,
        List<FileRecord> items,
        long nextOffset,
        String appsFolderId,
        String error,
        String notice,
        FileRecord renaming,
        Share share,
        FileRecord preview,
        String previewUrl,
        ZoneId zone,
        long maxUpload) {

    /**
     * The share dialog's file and its link (null when it has none yet), with the link's open/closed state, its named
     * members and the signed-in person's own union_id (what another owner names them by).
     */
    public record Share(
            FileRecord file, LinkInfo link, boolean open, List<LinkStore.Member> members, String myUnionId) {}

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    public String time(long epochSeconds) {
        return TIME.format(Instant.ofEpochSecond(epochSeconds).atZone(zone));
    }

    public String size(FileRecord f) {
        return f.isFolder() ? "—" : PageText.humanSize(f.size());
    }

    public String s(String key) {
        return state.getOrDefault(key, "");
    }

    /** {@code /drive} with the current state, changed by {@code kv} pairs (a null value drops the key). */
    public String url(String... kv) {
        Map<String, String> m = new LinkedHashMap<>(state);
        for (int i = 0; i + 1 < kv.length; i += 2) {
            if (kv[i + 1] == null || kv[i + 1].isEmpty()) {
                m.remove(kv[i]);
            } else {
                m.put(kv[i], kv[i + 1]);
            }
        }
        StringBuilder b = new StringBuilder("/drive");
        char sep = '?';
        for (Map.Entry<String, String> e : m.entrySet()) {
            b.append(sep)
                    .append(e.getKey())
                    .append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        return b.toString();
    }

    /** The next page: the whole page, or (for htmx) only its rows. */
    public String moreUrl(boolean rowsOnly) {
        String u = url("offset", Long.toString(nextOffset));
        return rowsOnly ? "/drive/rows" + u.substring("/drive".length()) : u;
    }

    /** The current page's URL (where a form returns to). */
    public String here() {
        return url();
    }

    /** Link to sort by {@code by}: the same column again flips the order. */
    public String sortUrl(String by) {
        boolean same = by.equals(state.getOrDefault("sort", "name"));
        String order = same && !"desc".equals(state.get("order")) ? "desc" : "asc";
        return url("sort", by, "order", order, "offset", null);
    }

    /** aria-sort of a column header. */
    public String ariaSort(String by) {
        if (!by.equals(state.getOrDefault("sort", "name"))) {
            return "none";
        }
        return "desc".equals(state.get("order")) ? "descending" : "ascending";
    }

    public boolean trash() {
        return "trash".equals(view);
    }

    public boolean apps() {
        return "apps".equals(view);
    }

    /** Whether the page shows the app folders or one of them (the 应用 place of the side bar). */
    public boolean inApps() {
        return apps()
                || (listing()
                        && !path.isEmpty()
                        && path.stream()
                                .anyMatch(f -> "appdir".equals(f.kind())
                                        || (appsFolderId != null && appsFolderId.equals(f.fileId()))));
    }

    public boolean listing() {
        return "files".equals(view);
    }

    public String folderId() {
        return folder == null ? "" : folder.fileId();
    }

    public String kindLabel(FileRecord f) {
        return f.isFolder() ? t.get("drive.kind.folder") : t.get("drive.kind.file");
    }
}

package io.yundoc.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Human tables and JSON for the client commands. */
final class Output {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    private Output() {}

    static void json(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format("%.1f %s", v, units[i]);
    }

    static String time(long epochSeconds) {
        return TIME.format(Instant.ofEpochSecond(epochSeconds));
    }

    /** A left-aligned table with a header row; column widths by content (display width of CJK counted double). */
    static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        int[] w = new int[header.size()];
        for (List<String> r : all) {
            for (int i = 0; i < r.size(); i++) {
                w[i] = Math.max(w[i], width(r.get(i)));
            }
        }
        for (List<String> r : all) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                String c = r.get(i);
                sb.append(c);
                if (i < r.size() - 1) {
                    sb.append(" ".repeat(w[i] - width(c) + 2));
                }
            }
            out.println(sb.toString().stripTrailing());
        }
        out.flush();
    }

    static int width(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            n += Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN || (cp >= 0xFF00 && cp <= 0xFFEF)
                    ? 2
                    : 1;
            i += Character.charCount(cp);
        }
        return n;
    }
}

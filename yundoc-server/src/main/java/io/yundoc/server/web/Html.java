package io.yundoc.server.web;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.Locale;

/** Escaping, language choice and the page frame shared by the HTML pages. No external assets. */
public final class Html {
    private Html() {
    }

    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Chinese unless the first language the browser names is not Chinese. */
    public static boolean chinese(ServerRequest req) {
        String al = req.headers().first(HeaderNames.ACCEPT_LANGUAGE).orElse("zh").trim().toLowerCase(Locale.ROOT);
        return al.isEmpty() || al.startsWith("zh") || al.startsWith("*");
    }

    public static String page(boolean zh, String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"" + (zh ? "zh-CN" : "en") + "\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<meta name=\"robots\" content=\"noindex, nofollow\"><title>" + esc(title) + "</title><style>" + CSS
                + "</style></head><body><main>" + body + "</main><footer>yundoc</footer></body></html>\n";
    }

    public static String humanSize(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static final String CSS = """
            *{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI","PingFang SC",\
            "Microsoft YaHei",sans-serif;background:#f4f6f8;color:#1f2328}main{max-width:760px;margin:24px auto;\
            background:#fff;border-radius:10px;padding:24px;box-shadow:0 1px 4px rgba(0,0,0,.08)}\
            h1{font-size:1.35rem;margin:0 0 12px;word-break:break-all}dl{display:grid;grid-template-columns:max-content 1fr;\
            gap:6px 16px;margin:16px 0}dt{color:#656d76}dd{margin:0;overflow-wrap:anywhere}.icon{font-size:2.4rem}\
            .btn{display:inline-block;padding:10px 18px;border-radius:6px;background:#1f6feb;color:#fff;text-decoration:none;\
            font-weight:600}.btn:hover{background:#1a5fd0}.muted{color:#656d76}.preview{margin-top:20px;border-top:1px solid #d0d7de;\
            padding-top:16px}.preview img{max-width:100%}.preview iframe{width:100%;height:70vh;border:1px solid #d0d7de}\
            ul{padding-left:1.2em}footer{text-align:center;color:#57606a;font-size:.8rem;margin:16px}\
            @media (max-width:600px){main{margin:0;border-radius:0;padding:16px}dl{grid-template-columns:1fr}}""";
}

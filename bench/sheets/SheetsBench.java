// bench/sheets/SheetsBench.java: the in-process halves of bench/sheets.sh (docs/benchmarks.md "Sheets and light tables").
// Run with the JDK's source launcher and the server's class path (bench/sheets.sh does):
//   gen FILE ROWS COLS              writes a ROWS x COLS .xlsx with POI's streaming writer (numbers and some text)
//   yundoc FILE ROW_FROM            first read of rows ROW_FROM..ROW_FROM+999 with yundoc's reader (XlsxReader.scan,
//                                   what the first et cells call of that range runs); prints "ms peak_MiB cells"
//   xssf FILE ROW_FROM              the same range through POI's XSSFWorkbook (the DOM); prints "ms peak_MiB cells"
//   webhook BASE TOKEN RATE SECS    webhook latency: a loopback receiver, a .dbt subscribed to records.create, RATE
//                                   record creates a second for SECS s; prints "p50_ms p99_ms max_ms delivered sent"
// Peak heap: the sum of the heap pools' peak usage after a full GC and a reset (an upper bound of the real peak);
// run each reader in its own JVM (-XX:+UseSerialGC) so one does not see the other's garbage.
import com.sun.net.httpserver.HttpServer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class SheetsBench {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "gen" -> gen(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "yundoc" -> measure(() -> yundoc(Path.of(args[1]), Integer.parseInt(args[2])));
            case "xssf" -> measure(() -> xssf(Path.of(args[1]), Integer.parseInt(args[2])));
            case "webhook" -> webhook(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static void gen(Path file, int rows, int cols) throws Exception {
        try (var wb = new org.apache.poi.xssf.streaming.SXSSFWorkbook(1000);
             var out = Files.newOutputStream(file)) {
            var s = wb.createSheet("data");
            for (int r = 0; r < rows; r++) {
                var row = s.createRow(r);
                for (int c = 0; c < cols; c++) {
                    if (c % 5 == 4) {
                        row.createCell(c).setCellValue("text " + (r % 977) + "-" + c);
                    } else {
                        row.createCell(c).setCellValue(r * 100.0 + c);
                    }
                }
            }
            wb.write(out); // close() removes the temp files
        }
    }

    interface Work {
        int run() throws Exception;
    }

    static void measure(Work w) throws Exception {
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
        System.gc();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        long t0 = System.nanoTime();
        int cells = w.run();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        System.out.println(ms + " " + (peak >> 20) + " " + cells);
    }

    /** XlsxReader is package-private: reached by reflection (the class path has no modules). */
    static int yundoc(Path file, int rowFrom) throws Exception {
        Class<?> reader = Class.forName("io.yundoc.server.sheets.XlsxReader");
        var scan = reader.getDeclaredMethod("scan", Path.class, int.class, Set.class, int.class);
        scan.setAccessible(true);
        var budgetField = Class.forName("io.yundoc.server.sheets.WorkbookCache").getDeclaredField("SCAN_BUDGET");
        budgetField.setAccessible(true);
        int budget = budgetField.getInt(null);
        Object result = scan.invoke(null, file, 0, Set.of(rowFrom / 1000), budget);
        var blocksM = result.getClass().getMethod("blocks");
        blocksM.setAccessible(true);
        var blocks = (Map<?, ?>) blocksM.invoke(result);
        int n = 0;
        for (Object cells : blocks.values()) {
            for (Object c : (List<?>) cells) {
                var cls = c.getClass();
                var rowM = cls.getMethod("row");
                rowM.setAccessible(true);
                int row = (int) rowM.invoke(c);
                if (row >= rowFrom && row < rowFrom + 1000) {
                    n++;
                }
            }
        }
        return n;
    }

    static int xssf(Path file, int rowFrom) throws Exception {
        org.apache.poi.util.IOUtils.setByteArrayMaxOverride(Integer.MAX_VALUE - 16);
        org.apache.poi.openxml4j.util.ZipSecureFile.setMaxEntrySize(4L << 30);
        var fmt = new org.apache.poi.ss.usermodel.DataFormatter(java.util.Locale.ROOT);
        try (var pkg = org.apache.poi.openxml4j.opc.OPCPackage.open(file.toFile(), org.apache.poi.openxml4j.opc.PackageAccess.READ);
             var wb = new org.apache.poi.xssf.usermodel.XSSFWorkbook(pkg)) {
            var s = wb.getSheetAt(0);
            int n = 0;
            for (int r = rowFrom; r < rowFrom + 1000; r++) {
                var row = s.getRow(r);
                if (row == null) {
                    continue;
                }
                for (var cell : row) {
                    if (!fmt.formatCellValue(cell).isEmpty()) {
                        n++;
                    }
                }
            }
            return n;
        }
    }

    static final HttpClient HTTP = HttpClient.newHttpClient();

    static String call(String method, String url, String body) throws Exception {
        var r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        if (!r.body().contains("\"code\":0")) {
            throw new IllegalStateException(method + " " + url + " -> " + r.body());
        }
        return r.body();
    }

    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return m.group(1);
    }

    static void webhook(String base, String token, int rate, int secs) throws Exception {
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        HttpServer rx = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        Pattern mark = Pattern.compile("bench-(\\d+)");
        rx.createContext("/", ex -> {
            long now = System.nanoTime();
            String body = new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            Matcher m = mark.matcher(body);
            while (m.find()) {
                Long t = sentAt.remove(m.group(1));
                if (t != null) {
                    latencies.add((now - t) / 1_000_000);
                }
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        rx.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        rx.start();
        String q = "?access_token=" + token;
        String api = base + "/api/v1/openapi";
        String ft = field(call("POST", api + "/personal/files" + q, "{\"filename\":\"webhook-bench-" + System.nanoTime() + ".dbt\",\"path_from_root\":true}"), "open_id");
        call("POST", api + "/dbt/" + ft + "/webhook/sheets/1/records/create" + q,
                "{\"callback_url\":\"http://127.0.0.1:" + rx.getAddress().getPort() + "/hook\"}");
        var pool = Executors.newVirtualThreadPerTaskExecutor();
        long start = System.nanoTime();
        int sent = 0;
        for (int i = 0; i < rate * secs; i++) {
            long due = start + i * 1_000_000_000L / rate;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            String id = Integer.toString(i);
            sent++;
            pool.submit(() -> {
                // latency counted from the start of the create call: an upper bound of commit -> receiver
                sentAt.put(id, System.nanoTime());
                call("POST", api + "/dbt/" + ft + "/sheets/1/records" + q, "{\"records\":[{\"fields\":{\"名称\":\"bench-" + id + "\"}}]}");
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(60, TimeUnit.SECONDS);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (latencies.size() < sent && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        rx.stop(0);
        List<Long> l = new ArrayList<>(latencies);
        Collections.sort(l);
        if (l.isEmpty()) {
            System.out.println("- - - 0 " + sent);
            return;
        }
        System.out.println(l.get(l.size() / 2) + " " + l.get(Math.min(l.size() - 1, (int) Math.ceil(l.size() * 0.99) - 1)) + " "
                + l.get(l.size() - 1) + " " + l.size() + " " + sent);
    }
}

package io.yundoc.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import io.yundoc.server.api.ApiRoutes;
import io.yundoc.server.api.Call;
import io.yundoc.server.api.Routes;
import io.yundoc.server.blob.BlobStore;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.Database;
import io.yundoc.server.core.DiskSpace;
import io.yundoc.server.core.Json;
import io.yundoc.server.core.Memo;
import io.yundoc.server.core.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** {@code /health}, {@code /metrics} (Prometheus text) and {@code /openapi} (the static OpenAPI 3.1 document). */
public final class OpsRoutes implements ApiRoutes {
    private final Database db;
    private final BlobStore blobs;
    private final Metrics metrics;
    /** The document per public base URL, whose {@code servers} names that URL (few bases: one, or one per Host). */
    private final Memo<String, byte[]> openapiByBase;

    /**
     * Parts of the OpenAPI document, one per capability, each {@code /openapi/<name>.json} with {@code paths} and
     * optionally {@code components}; merged into {@code /openapi.json} at start so capabilities document their routes
     * side by side.
     */
    static final List<String> OPENAPI_PARTS = List.of(
            "oauth", "personal", "appspace", "scaleout", "emulator", "tables", "sheets", "office", "web", "preview");

    /** Further health checks (e.g. the quota backend): name → status; a non-critical one only warns. */
    public record Check(String name, Supplier<String> status, boolean critical) {}

    private final List<Check> checks = new CopyOnWriteArrayList<>();
    private volatile DiskSpace disk;

    /** Optional engines and whether each is installed, listed by /health as {@code engines} (never failing it). */
    private final Map<String, BooleanSupplier> engines = new ConcurrentSkipListMap<>();

    /** Operation tags of the API families beyond the KDocs file API: {@code /openapi?set=families} (and /docs' second half). */
    static final Set<String> FAMILY_TAGS =
            Set.of("et", "ksheet", "tables", "webhooks", "office", "web", "anonymous", "appspace-async");

    /**
     * Reports free space under the data dir as {@code checks.disk}: {@code LOW} (a warning, still 200) below
     * {@code --min-free-space}, {@code FULL} (503) while a write has just failed for lack of space.
     */
    public OpsRoutes disk(DiskSpace d) {
        this.disk = d;
        return this;
    }

    public OpsRoutes engine(String name, BooleanSupplier present) {
        engines.put(name, present);
        return this;
    }

    public OpsRoutes check(Check c) {
        checks.add(c);
        return this;
    }

    public OpsRoutes(Database db, BlobStore blobs, Metrics metrics) {
        this.db = db;
        this.blobs = blobs;
        this.metrics = metrics;
        ObjectNode doc = openapiTree();
        this.openapiByBase = new Memo<>(64, key -> {
            int bar = key.indexOf('|');
            ObjectNode copy = onlySet(doc.deepCopy(), key.substring(0, bar));
            copy.putArray("servers").addObject().put("url", key.substring(bar + 1));
            return Json.write(copy);
        });
    }

    /**
     * The document ({@code all}), or only the operations of the file API ({@code core}) or of the other families
     * ({@code families}): the interactive reference shows it in these two halves.
     */
    static ObjectNode onlySet(ObjectNode doc, String set) {
        if (set.equals("all")) {
            return doc;
        }
        boolean families = set.equals("families");
        ObjectNode paths = (ObjectNode) doc.get("paths");
        List<String> emptied = new ArrayList<>();
        paths.properties().forEach(path -> {
            ObjectNode item = (ObjectNode) path.getValue();
            List<String> drop = new ArrayList<>();
            boolean anyOperation = false;
            for (var op : item.properties()) {
                JsonNode tags = op.getValue().get("tags");
                if (tags == null) {
                    continue; // path-level parameters and the like
                }
                boolean family = false;
                for (JsonNode tag : tags) {
                    family |= FAMILY_TAGS.contains(tag.asText());
                }
                if (family != families) {
                    drop.add(op.getKey());
                } else {
                    anyOperation = true;
                }
            }
            item.remove(drop);
            if (!anyOperation) {
                emptied.add(path.getKey());
            }
        });
        paths.remove(emptied);
        return doc;
    }

    /** The OpenAPI document with {@code servers} naming {@code base} (generators build their default URL from it). */
    public static byte[] openapiDocument(String base) {
        ObjectNode doc = openapiTree();
        doc.putArray("servers").addObject().put("url", base);
        return Json.write(doc);
    }

    static ObjectNode openapiTree() {
        try {
            ObjectNode doc = (ObjectNode) Json.MAPPER.readTree(load("/openapi.json"));
            for (String part : OPENAPI_PARTS) {
                JsonNode p = Json.MAPPER.readTree(load("/openapi/" + part + ".json"));
                mergeInto(doc.withObject("/paths"), p.path("paths"));
                mergeInto(
                        doc.withObject("/components").withObject("/schemas"),
                        p.path("components").path("schemas"));
                mergeInto(
                        doc.withObject("/components").withObject("/securitySchemes"),
                        p.path("components").path("securitySchemes"));
            }
            return doc;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds {@code from}'s members to {@code into}, merging one level deeper where both have a path (its methods). */
    private static void mergeInto(ObjectNode into, JsonNode from) {
        from.fields().forEachRemaining(e -> {
            JsonNode existing = into.get(e.getKey());
            if (existing instanceof ObjectNode o && e.getValue().isObject()) {
                o.setAll((ObjectNode) e.getValue());
            } else {
                into.set(e.getKey(), e.getValue());
            }
        });
    }

    public static byte[] load(String resource) {
        try (InputStream in = OpsRoutes.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void routes(Routes r) {
        r.open(Method.GET, "/health", this::health);
        r.open(Method.GET, "/metrics", c -> {
            c.response().header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            c.response().send(metrics.scrape().getBytes(StandardCharsets.UTF_8));
        });
        r.open(Method.GET, "/openapi", c -> {
            c.response().header("Content-Type", "application/json; charset=utf-8");
            String set = c.query("set").orElse("all");
            if (!set.equals("all") && !set.equals("core") && !set.equals("families")) {
                throw ApiException.invalid("set must be all, core or families");
            }
            c.response().send(openapiByBase.get(set + "|" + c.baseUrl()));
        });
    }

    private void health(Call c) {
        boolean dbUp = db.healthy();
        boolean blobsUp = blobs.healthy();
        Map<String, Object> checks = new LinkedHashMap<>();
        checks.put("database", dbUp ? "UP" : "DOWN");
        checks.put("blobs", blobsUp ? "UP" : "DOWN");
        boolean ready = dbUp && blobsUp;
        List<String> warnings = new ArrayList<>();
        DiskSpace d = disk;
        if (d != null) {
            DiskSpace.State st = d.state();
            checks.put("disk", st == DiskSpace.State.OK ? "UP" : st.name());
            if (st == DiskSpace.State.FULL) {
                ready = false;
            } else if (st == DiskSpace.State.LOW) {
                warnings.add("disk LOW: " + d.usable() + " bytes free under the data dir, below --min-free-space "
                        + d.minFree());
            }
        }
        for (Check x : this.checks) {
            String st = x.status().get();
            checks.put(x.name(), st);
            if (!"UP".equals(st)) {
                if (x.critical()) {
                    ready = false;
                } else {
                    warnings.add(x.name() + " " + st);
                }
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", ready ? "UP" : "DOWN");
        m.put("checks", checks);
        if (!engines.isEmpty()) {
            Map<String, Boolean> present = new LinkedHashMap<>();
            engines.forEach((k, v) -> present.put(k, v.getAsBoolean()));
            m.put("engines", present);
        }
        if (!warnings.isEmpty()) {
            m.put("warnings", warnings);
        }
        c.response().status(ready ? 200 : 503);
        c.response().header("Content-Type", "application/json; charset=utf-8");
        c.response().header("Cache-Control", "no-store");
        c.response().send(Json.write(m));
    }
}

package io.yundoc.server.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.yundoc.protocol.ErrorCode;
import io.yundoc.server.auth.Principal;
import io.yundoc.server.core.ApiException;
import io.yundoc.server.core.IdGenerator;
import io.yundoc.server.core.Json;
import io.yundoc.server.core.OutboundGuard;
import io.yundoc.server.core.ServerClock;
import io.yundoc.server.files.FileRecord;
import io.yundoc.server.records.RecordEvents;
import io.yundoc.server.tables.TableService;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Webhook subscriptions (docs/api-families.md §F2.6) and the outbox rows a table change writes for them (§F2.7), in
 * the change's own transaction: a change that commits has its deliveries committed, one that rolls back has none.
 */
public final class WebhookService implements RecordEvents {
    /** At most this many live subscriptions per document, whoever made them (§F2.6, 30016). */
    static final int LIMIT_PER_DOCUMENT = 10;

    static final int MAX_URL = 2048;
    static final int MAX_IDS = 100;
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** The subscription routes' last path segments and the event each subscribes to. */
    public static final Map<String, String> EVENTS = Map.of(
            "description", "sheet.description",
            "icon", "sheet.icon",
            "remove", "sheet.remove",
            "fields/create", "fields.create",
            "records/create", "records.create",
            "cells/fields/update", "cells.fields.update",
            "cells/records/update", "cells.records.update",
            "views/:view_id/remove", "view.remove");

    private final WebhookStore store;
    private final TableService tables;
    private final OutboundGuard guard;
    private final ServerClock clock;
    private final IdGenerator ids;

    /** Told after a transaction that wrote deliveries commits (the dispatcher: it polls at once). */
    private volatile Runnable enqueued = () -> {};

    /**
     * @param outbox the same database without the read cache's write tracking: the dispatcher's claims and outcomes,
     *               which touch no cached row
     */
    public WebhookService(
            Jdbi jdbi,
            Jdbi outbox,
            boolean postgres,
            TableService tables,
            OutboundGuard guard,
            ServerClock clock,
            IdGenerator ids) {
        this.store = new WebhookStore(jdbi, outbox, postgres);
        this.tables = tables;
        this.guard = guard;
        this.clock = clock;
        this.ids = ids;
    }

    WebhookStore store() {
        return store;
    }

    OutboundGuard guard() {
        return guard;
    }

    void onEnqueued(Runnable r) {
        this.enqueued = r;
    }

    /** A document removed for good takes its subscriptions with it (same transaction). */
    public void documentPurged(Handle h, String fileId) {
        WebhookStore.forgetDocument(h, fileId);
    }

    /**
     * A revoked grant ends the subscriptions its app made with that user's authorization (same transaction): the
     * app may no longer read those documents, so it may no longer hear about their changes. A token revoked on its
     * own (refresh-token reuse) leaves the grant, and its subscriptions, in place.
     */
    public void grantRevoked(Handle h, String appId, String userId) {
        WebhookStore.endGrant(h, appId, userId);
    }

    /**
     * The {@code callback_url} rules of §F2.6: absolute https (http only for a host the operator's allow-list names),
     * at most 2,048 characters, no credentials, and every address of the host passing the SSRF guard → else 10001
     * {@code callback_url not allowed}. Run again before each delivery.
     */
    URI checkUrl(String url) {
        return target(url).uri();
    }

    /** A callback URL that passed {@link #checkUrl}'s rules, and the addresses the guard vetted for its host. */
    record Target(URI uri, List<InetAddress> addresses) {}

    /** {@link #checkUrl}, keeping the vetted addresses: a delivery reuses an open connection only to one of them. */
    Target target(String url) {
        if (url == null || url.isBlank()) {
            throw ApiException.invalid("callback_url is required");
        }
        if (url.length() > MAX_URL) {
            throw ApiException.invalid("callback_url not allowed: longer than " + MAX_URL + " characters");
        }
        URI u;
        try {
            u = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw ApiException.invalid("callback_url not allowed: malformed");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (u.getHost() == null || u.getHost().isEmpty() || u.getRawUserInfo() != null || u.getRawFragment() != null) {
            throw ApiException.invalid("callback_url not allowed: needs a host, and no credentials or fragment");
        }
        if (!scheme.equals("https") && !(scheme.equals("http") && guard.listed(u.getHost()))) {
            throw ApiException.invalid("callback_url not allowed: must be https");
        }
        try {
            return new Target(u, guard.vet(u.getHost()));
        } catch (OutboundGuard.Refused | UnknownHostException e) {
            throw ApiException.invalid("callback_url not allowed");
        }
    }

    /** A subscription route (§F2.6): the new (or identical existing) subscription's id. */
    public Map<String, Object> subscribe(
            Principal p, String fileId, String event, String sheetRaw, String viewId, ObjectNode body) {
        int sheetId = TableService.sheetId(sheetRaw);
        String url =
                Json.text(body, "callback_url").orElseThrow(() -> ApiException.invalid("callback_url is required"));
        List<String> fieldIds = event.equals("cells.fields.update") ? idList(body, "fields") : List.of();
        List<String> recordIds = event.equals("cells.records.update") ? idList(body, "records") : List.of();
        checkUrl(url);
        FileRecord f = tables.document(p, fileId, true);
        String id = store.jdbi().inTransaction(h -> {
            tables.lockDocument(h, f.fileId());
            if (!tables.sheetExists(h, f.fileId(), sheetId)) {
                throw ApiException.invalid("sheet not found");
            }
            String view = viewId == null ? "" : viewId;
            if (!view.isEmpty() && !tables.viewExists(h, f.fileId(), sheetId, view)) {
                throw ApiException.invalid("view not found");
            }
            if (!fieldIds.isEmpty()) {
                Set<String> known = tables.fieldIds(h, f.fileId(), sheetId);
                for (String x : fieldIds) {
                    if (!known.contains(x)) {
                        throw ApiException.invalid("field not found: " + x);
                    }
                }
            }
            if (!recordIds.isEmpty()) {
                Set<String> known = tables.existingRecordIds(h, f.fileId(), sheetId, recordIds);
                for (String x : recordIds) {
                    if (!known.contains(x)) {
                        throw ApiException.invalid("record not found: " + x);
                    }
                }
            }
            String trimmed = url.trim();
            List<String> fs = fieldIds.stream().sorted().toList();
            List<String> rs = recordIds.stream().sorted().toList();
            List<WebhookStore.Subscription> live = WebhookStore.onFile(h, f.fileId());
            Optional<WebhookStore.Subscription> same = live.stream()
                    .filter(s -> s.userId().equals(p.userId())
                            && s.appId().equals(p.appId())
                            && s.event().equals(event)
                            && s.sheetId() == sheetId
                            && s.viewId().equals(view)
                            && s.callbackUrl().equals(trimmed)
                            && s.fieldIds().equals(fs)
                            && s.recordIds().equals(rs))
                    .findFirst();
            if (same.isPresent()) {
                return same.get().webhookId();
            }
            if (live.size() >= LIMIT_PER_DOCUMENT) {
                throw new ApiException(
                        ErrorCode.TOO_MANY_WEBHOOKS, "a document has at most " + LIMIT_PER_DOCUMENT + " webhooks");
            }
            String wid = HexFormat.of().formatHex(ids.ids().bytes(12));
            WebhookStore.insert(
                    h,
                    new WebhookStore.Subscription(
                            wid,
                            f.fileId(),
                            p.appId(),
                            p.userId(),
                            event,
                            sheetId,
                            view,
                            trimmed,
                            fs,
                            rs,
                            clock.epochSeconds()));
            return wid;
        });
        return Map.of("webhook_id", id);
    }

    private static List<String> idList(ObjectNode body, String name) {
        List<String> l = Json.stringList(body, name).orElseThrow(() -> ApiException.invalid(name + " is required"));
        List<String> out = new ArrayList<>();
        for (String s : l) {
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        if (out.isEmpty() || out.size() > MAX_IDS) {
            throw ApiException.invalid(name + " must list 1 to " + MAX_IDS + " ids");
        }
        return out;
    }

    /** GET webhook/mine: the caller's subscriptions on the document made through this app, newest first. */
    public Map<String, Object> mine(Principal p, String fileId) {
        FileRecord f = tables.document(p, fileId, false);
        List<Map<String, Object>> out = new ArrayList<>();
        for (WebhookStore.Subscription s : store.jdbi().withHandle(h -> WebhookStore.onFile(h, f.fileId()))) {
            if (!s.userId().equals(p.userId()) || !s.appId().equals(p.appId())) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("webhook_id", s.webhookId());
            m.put("event", s.event());
            m.put("sheet_id", s.sheetId());
            m.put("view_id", s.viewId());
            m.put("callback_url", s.callbackUrl());
            m.put("fields", s.fieldIds());
            m.put("records", s.recordIds());
            m.put("ctime", s.ctime());
            out.add(m);
        }
        return Map.of("webhooks", out);
    }

    /** DELETE webhook/:webhook_id: only the caller's own (same user and app) on this document, else 10001. */
    public void unsubscribe(Principal p, String fileId, String webhookId) {
        FileRecord f = tables.document(p, fileId, false);
        store.jdbi().useTransaction(h -> {
            WebhookStore.Subscription s = WebhookStore.find(h, webhookId == null ? "" : webhookId)
                    .filter(x -> x.fileId().equals(f.fileId())
                            && x.userId().equals(p.userId())
                            && x.appId().equals(p.appId()))
                    .orElseThrow(() -> ApiException.invalid("webhook not found"));
            WebhookStore.delete(h, s.webhookId());
        });
    }

    // ---- the outbox --------------------------------------------------------------------------------------------

    @Override
    public void changed(Handle h, Change c) {
        List<WebhookStore.Subscription> subs = WebhookStore.onSheet(h, c.fileId(), c.sheetId());
        if (subs.isEmpty()) {
            return;
        }
        long now = clock.millis();
        for (WebhookStore.Subscription s : subs) {
            ObjectNode data = data(s, c);
            if (data != null) {
                enqueue(h, s, c.viewId(), c.operatorUserId(), data, now, false);
            }
        }
        // a removed table (or view) fires its removal, then its subscriptions end: nothing can happen to it any more
        for (WebhookStore.Subscription s : subs) {
            if (c.kind() == Kind.SHEET_REMOVED
                    || (c.kind() == Kind.VIEW_REMOVED && s.viewId().equals(c.viewId()))) {
                WebhookStore.delete(h, s.webhookId());
            }
        }
    }

    /** The {@code data} of one subscription's delivery for a change, or null when the change is not its event. */
    private static ObjectNode data(WebhookStore.Subscription s, Change c) {
        return switch (c.kind()) {
            case RECORDS_CREATED -> s.event().equals("records.create") ? records(c, null, null) : null;
            case CELLS_UPDATED ->
                switch (s.event()) {
                    case "cells.fields.update" -> records(c, Set.copyOf(s.fieldIds()), null);
                    case "cells.records.update" -> records(c, null, Set.copyOf(s.recordIds()));
                    default -> null;
                };
            case FIELDS_CREATED -> {
                if (!s.event().equals("fields.create")) {
                    yield null;
                }
                ObjectNode d = F.objectNode();
                ArrayNode fs = d.putArray("fields");
                c.fields().forEach(fs::add);
                yield d;
            }
            case SHEET_REMOVED -> s.event().equals("sheet.remove") ? F.objectNode() : null;
            case VIEW_REMOVED ->
                s.event().equals("view.remove") && s.viewId().equals(c.viewId()) ? F.objectNode() : null;
        };
    }

    /** {@code {"records":[{id, fields by name}]}}, restricted to some fields or records; null when nothing is left. */
    private static ObjectNode records(Change c, Set<String> onlyFields, Set<String> onlyRecords) {
        ObjectNode d = F.objectNode();
        ArrayNode arr = d.putArray("records");
        for (RecordValues r : c.records()) {
            if (onlyRecords != null && !onlyRecords.contains(r.id())) {
                continue;
            }
            ObjectNode fields = F.objectNode();
            for (Map.Entry<String, JsonNode> e : r.values().entrySet()) {
                if (onlyFields == null || onlyFields.contains(e.getKey())) {
                    fields.set(c.fieldNames().getOrDefault(e.getKey(), e.getKey()), e.getValue());
                }
            }
            if (onlyFields != null && fields.isEmpty()) {
                continue;
            }
            arr.addObject().put("id", r.id()).set("fields", fields);
        }
        return arr.isEmpty() ? null : d;
    }

    private void enqueue(
            Handle h,
            WebhookStore.Subscription s,
            String viewId,
            String operator,
            ObjectNode data,
            long now,
            boolean test) {
        ObjectNode payload = F.objectNode();
        payload.put("webhook_id", s.webhookId());
        payload.put("event", s.event());
        payload.put("file_token", s.fileId());
        payload.put("sheet_id", s.sheetId());
        payload.put("view_id", viewId.isEmpty() ? s.viewId() : viewId);
        payload.putObject("operator").put("open_id", WebhookStore.openId(h, s.appId(), operator));
        payload.put("timestamp", now / 1000);
        if (test) {
            payload.put("test", true);
        }
        payload.set("data", data);
        long seq = WebhookStore.takeSeq(h, s.webhookId());
        h.afterCommit(enqueued); // sent as soon as it is committed, not at the dispatcher's next poll
        WebhookStore.enqueue(
                h, HexFormat.of().formatHex(ids.ids().bytes(16)), s, seq, s.event(), Json.writeString(payload), now);
    }

    /** Dev mode: queues a delivery of the subscription's event with empty {@code data} and {@code "test":true}. */
    public Map<String, Object> test(String webhookId) {
        return store.jdbi().inTransaction(h -> {
            WebhookStore.Subscription s =
                    WebhookStore.find(h, webhookId).orElseThrow(() -> ApiException.invalid("webhook not found"));
            enqueue(h, s, "", s.userId(), F.objectNode(), clock.millis(), true);
            return Map.<String, Object>of("webhook_id", s.webhookId());
        });
    }

    /** Recent deliveries with their answers (dev mode). */
    public Map<String, Object> recent(int limit) {
        return Map.of("deliveries", store.recent(limit));
    }
}

package io.yundoc.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.yundoc.client.Placement;
import io.yundoc.client.Tables;
import io.yundoc.client.YundocClient;
import io.yundoc.client.YundocException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SDK's light tables against a dev-mode server, and the extension's webhook receiver (signature checked). */
class TablesAndWebhooksTest {
    @RegisterExtension
    static YundocServerExtension ext = YundocServerExtension.builder().build();

    YundocClient client;
    WebhookReceiver receiver;

    @Test
    void tablesRoundTripAndASignedDelivery() {
        String ft = client.personal()
                .create("orders-" + System.nanoTime() + ".dbt", Placement.appFolder())
                .id()
                .openId();
        Tables t = client.tables();
        assertThat(t.schemas(ft)).singleElement().satisfies(s -> {
            assertThat(s.id()).isEqualTo(1);
            assertThat(s.primaryFieldId()).isEqualTo("B");
        });
        Tables.Sheet orders = t.createSheet(
                ft,
                Tables.SheetSpec.named("orders")
                        .field("名称", "SingleLineText")
                        .field("数量", "Number")
                        .selectField("状态", false, "open", "done")
                        .view("all", "grid"));
        assertThat(orders.field("状态").items()).extracting(Tables.Item::value).containsExactly("open", "done");

        String hook = t.subscribe(ft, orders.id(), "records/create", receiver.url("/orders"), List.of());
        assertThat(t.webhooks(ft)).extracting(Tables.Webhook::webhookId).containsExactly(hook);
        List<Tables.Record> created = t.createRecords(
                ft,
                orders.id(),
                List.of(Map.of("名称", "a", "数量", 1, "状态", "open"), Map.of("名称", "b", "数量", 5, "状态", "done")));
        assertThat(created).extracting(r -> r.text("名称")).containsExactly("a", "b");

        WebhookReceiver.Delivery d = receiver.await(Duration.ofSeconds(10));
        assertThat(d.event()).isEqualTo("records.create");
        assertThat(d.webhookId()).isEqualTo(hook);
        assertThat(d.data().path("records")).hasSize(2);
        assertThat(receiver.rejected()).isEmpty();

        List<Tables.Record> big = t.allRecords(
                ft,
                orders.id(),
                Tables.RecordQuery.all().where("数量", "Greater", "2").pageSize(1));
        assertThat(big).extracting(r -> r.text("名称")).containsExactly("b");
        t.updateRecords(ft, orders.id(), Map.of(created.get(0).id(), Map.of("数量", 9)));
        assertThat(t.record(ft, orders.id(), created.get(0).id()).text("数量")).isEqualTo("9");
        t.deleteRecords(ft, orders.id(), List.of(created.get(1).id()));
        assertThat(t.allRecords(ft, orders.id(), Tables.RecordQuery.all())).hasSize(1);
        assertThatThrownBy(() -> t.record(ft, orders.id(), "NOPE")).isInstanceOf(YundocException.class);
        t.unsubscribe(ft, hook);
        assertThat(t.webhooks(ft)).isEmpty();
    }
}

package io.yundoc.server.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** The journal's bound and masking, without a server. */
class RequestJournalUnitTest {
    static RequestJournal.Entry entry(String path, String body) {
        return new RequestJournal.Entry(
                0, 0, "GET", path, "", null, null, 200, 0, 10, Map.of(), null, body, 0, null, null, 0);
    }

    @Test
    void keepsOnlyTheNewestCapacityEntries() {
        RequestJournal j = new RequestJournal(3, 16);
        for (int i = 0; i < 1000; i++) {
            j.add(entry("/p" + i, null));
        }
        assertThat(j.size()).isEqualTo(3);
        assertThat(j.dropped()).isEqualTo(997);
        assertThat(j.list(e -> true, 10))
                .extracting(RequestJournal.Entry::path)
                .containsExactly("/p999", "/p998", "/p997");
        assertThat(j.list(e -> true, 10).get(0).seq()).isEqualTo(1000);
        assertThat(j.list(e -> e.path().endsWith("8"), 10))
                .extracting(RequestJournal.Entry::path)
                .containsExactly("/p998");
        j.clear();
        assertThat(j.size()).isZero();
        assertThat(j.dropped()).isZero();
        assertThatThrownBy(() -> new RequestJournal(0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bodiesAreCutOnACharacterBoundary() {
        RequestJournal j = new RequestJournal(1, 10);
        String cut = j.maskBody("一二三四五六七八".getBytes(StandardCharsets.UTF_8), "text/plain");
        assertThat(cut).startsWith("一二三").doesNotContain("四").contains("[24 bytes in all]");
        assertThat(j.maskBody(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1}, "application/octet-stream"))
                .isEqualTo("[4 bytes, binary]");
        assertThat(j.maskBody(new byte[0], "text/plain")).isNull();
        // a big body is kept cut (limit + 1 KiB) and its secrets are still masked when read
        RequestJournal small = new RequestJournal(1, 64);
        byte[] big =
                ("{\"password\":\"PW-SECRET\",\"pad\":\"" + "汉".repeat(5000) + "\"}").getBytes(StandardCharsets.UTF_8);
        RequestJournal.Body b = small.body(big, "application/json");
        String shown = new RequestJournal.Entry(
                        0, 0, "POST", "/", "", null, null, 200, 0, 1, Map.of(), b, null, big.length, null, null, 0)
                .requestBody();
        assertThat(shown).doesNotContain("PW-SECRET").contains("***").contains("[" + big.length + " bytes in all]");
        assertThat(shown.getBytes(StandardCharsets.UTF_8).length).isLessThan(64 + 40);
    }

    @Test
    void secretsAreMaskedEverywhere() {
        RequestJournal j = new RequestJournal(1, 100_000);
        String json = j.maskBody(
                ("{\"code\":0,\"data\":{\"access_token\":\"AT-SECRET\",\"refresh_token\":\"RT-SECRET\","
                                + "\"app_key\":\"AK-SECRET\",\"list\":[{\"password\":\"PW-SECRET\",\"name\":\"kept\"}],\"token\":\"ET-SECRET\"}}")
                        .getBytes(StandardCharsets.UTF_8),
                "application/json");
        assertThat(json)
                .doesNotContain("SECRET")
                .contains("\"code\":0")
                .contains("kept")
                .contains("\"***\"");
        String form = j.maskBody(
                "username=zhang&password=PW-SECRET&csrf=CS-SECRET".getBytes(StandardCharsets.UTF_8),
                "application/x-www-form-urlencoded");
        assertThat(form).isEqualTo("username=zhang&password=***&csrf=***");
        String text = j.maskBody(
                "access_token=AT-SECRET and password: PW-SECRET".getBytes(StandardCharsets.UTF_8), "text/plain");
        assertThat(text).doesNotContain("SECRET");
        String broken = j.maskBody("{\"password\":\"PW-SECRET\"".getBytes(StandardCharsets.UTF_8), "application/json");
        assertThat(broken).doesNotContain("PW-SECRET");

        assertThat(RequestJournal.maskQuery(
                        "parent_id=x&access_token=AT-SECRET&ACCESS_TOKEN=B&code=AUTHCODE&app_key=K&a%63cess_token=C"))
                .isEqualTo("parent_id=x&access_token=***&ACCESS_TOKEN=***&code=***&app_key=***&a%63cess_token=***");
        assertThat(RequestJournal.maskHeader("Authorization", "Bearer AT-SECRET"))
                .isEqualTo("Bearer ***");
        assertThat(RequestJournal.maskHeader("authorization", "WPS-2:SX2020:0123456789abcdef"))
                .isEqualTo("WPS-2:SX2020:***");
        assertThat(RequestJournal.maskHeader("Cookie", "yd_session=S1; yd_login=S2"))
                .isEqualTo("yd_session=***; yd_login=***");
        assertThat(RequestJournal.maskHeader("X-CSRF-Token", "CS")).isEqualTo("***");
        assertThat(RequestJournal.maskHeader("Content-Type", "application/json"))
                .isEqualTo("application/json");
    }

    @Test
    void recordedHeadersReadAsAnOrderedMap() {
        var headers = new RequestJournal.HeaderPairs(new String[] {
            "Host",
            "127.0.0.1",
            "Authorization",
            RequestJournal.maskLowerCased("authorization", "Bearer AT-SECRET"),
            "Accept",
            "a/b,c/d"
        });
        assertThat(headers)
                .hasSize(3)
                .containsEntry("Authorization", "Bearer ***")
                .containsEntry("Accept", "a/b,c/d");
        assertThat(headers.keySet()).containsExactly("Host", "Authorization", "Accept");
        assertThat(headers).isEqualTo(Map.of("Host", "127.0.0.1", "Authorization", "Bearer ***", "Accept", "a/b,c/d"));
        assertThat(new RequestJournal.HeaderPairs(new String[0])).isEmpty();
        var it = headers.entrySet().iterator();
        for (int i = 0; i < 3; i++) {
            it.next();
        }
        assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
    }
}

package io.yundoc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.yundoc.client.Placement;
import io.yundoc.client.YundocClient;
import io.yundoc.testkit.YundocEmulator;
import io.yundoc.testkit.YundocServerExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code yundoc table}: schema, list (with --where through complex_query) and add, against a real server. */
@ExtendWith(YundocServerExtension.class)
class CliTableTest {
    static final ObjectMapper JSON = new ObjectMapper();
    YundocEmulator yundoc;

    @TempDir
    Path tmp;

    String[] common;
    String ft;

    /** {@code yundoc table <sub> <common options> <args>}: the client options belong to the innermost command. */
    Cli.Result table(String sub, String... args) {
        List<String> all = new ArrayList<>(List.of("table", sub));
        all.addAll(List.of(common));
        all.addAll(List.of(args));
        return Cli.raw(all.toArray(String[]::new));
    }

    @BeforeEach
    void setUp() {
        YundocEmulator.App app = yundoc.createApp();
        YundocEmulator.User user = yundoc.createUser(app);
        common = new String[] {
            "--server", yundoc.url(), "--access-token", user.tokens().accessToken(), "--config-dir", tmp.toString()
        };
        try (YundocClient c = yundoc.client(app, user, b -> {})) {
            ft = c.personal()
                    .create("cli-" + System.nanoTime() + ".dbt", Placement.root())
                    .id()
                    .openId();
        }
    }

    @Test
    void addThenListWithAFilter() throws Exception {
        Cli.Result a = table("add", ft, "--set", "名称=item1");
        assertThat(a.exit()).as(a.toString()).isZero();
        String id = a.out().trim();
        assertThat(id).matches("[A-Za-z]{1,4}");
        assertThat(table("add", ft, "--set", "名称=item2").exit()).isZero();

        Cli.Result all = table("list", ft);
        assertThat(all.exit()).as(all.toString()).isZero();
        assertThat(all.out()).startsWith("ID").contains("名称").contains("item1").contains("item2");
        Cli.Result one = table("list", ft, "--where", "名称:Equals:item1", "--json");
        assertThat(one.exit()).as(one.toString()).isZero();
        JsonNode records = JSON.readTree(one.out());
        assertThat(records).hasSize(1);
        assertThat(records.get(0).get("id").asText()).isEqualTo(id);
        assertThat(records.get(0).get("fields").get("名称").asText()).isEqualTo("item1");

        Cli.Result schema = table("schema", ft);
        assertThat(schema.out()).contains("数据表").contains("MultiLineText");
    }

    @Test
    void errorsHaveTheirExitCodes() {
        assertThat(table("add", ft, "--set", "nofield").exit()).isEqualTo(2);
        assertThat(table("list", ft, "--where", "justone").exit()).isEqualTo(2);
        Cli.Result unknown = table("add", ft, "--set", "nope=1");
        assertThat(unknown.exit()).as(unknown.toString()).isEqualTo(1);
        assertThat(unknown.err()).contains("10001");
        assertThat(table("list", "no-such-doc").exit()).isEqualTo(1);
    }
}

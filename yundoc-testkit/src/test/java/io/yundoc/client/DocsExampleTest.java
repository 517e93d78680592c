package io.yundoc.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.yundoc.testkit.Fault;
import io.yundoc.testkit.YundocEmulator;
import io.yundoc.testkit.YundocServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The testing example of docs/sdk.md, run as written; the doc must keep showing these lines. */
@ExtendWith(YundocServerExtension.class)
class DocsExampleTest {
    @Test
    void survivesAFlakyNetwork(YundocClient client, YundocEmulator yundoc) {
        var item = client.personal().upload("big.bin", new byte[1_000_000], Placement.root());
        // the next download URL request dies after 300 000 bytes; the SDK resumes with Range
        yundoc.addFault(Fault.on("GET /dl/**").dropAfterBytes(300_000).count(1));
        var result = client.download(item.id().openId(), Path.of("target/big.bin"));
        Assertions.assertThat(result.resumes()).isEqualTo(1);
    }

    @Test
    void theDocShowsThisExample() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "sdk.md"));
        String src = Files.readString(Path.of("src/test/java/io/yundoc/client/DocsExampleTest.java"));
        String body =
                src.substring(src.indexOf("        var item"), src.indexOf("isEqualTo(1);") + "isEqualTo(1);".length());
        assertThat(doc).contains(body);
    }
}

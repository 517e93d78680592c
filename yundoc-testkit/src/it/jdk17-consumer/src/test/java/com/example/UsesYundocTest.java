package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.yundoc.client.Placement;
import io.yundoc.client.YundocClient;
import io.yundoc.protocol.wire.FileItem;
import io.yundoc.testkit.Fault;
import io.yundoc.testkit.YundocEmulator;
import io.yundoc.testkit.YundocExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs on JDK 17 with JUnit 5.14.1 against a yundoc found through YUNDOC_URL and YUNDOC_ADMIN_TOKEN. */
@ExtendWith(YundocExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UsesYundocTest {

    @Test
    @Order(1)
    void uploadsAndDownloadsOnJava17(YundocClient client, YundocEmulator yundoc) throws Exception {
        assertEquals(17, Runtime.version().feature(), "this project must run on JDK 17");
        String junit = Test.class.getPackage().getImplementationVersion();
        assertTrue(junit.startsWith("5.14.1"), "the user's JUnit runs, not yundoc's: " + junit);
        // only the SDK, the testkit and Jackson came along: no server, no Helidon
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.yundoc.server.YundocServer"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.helidon.webserver.WebServer"));

        FileItem item = client.personal().upload("hello.txt", "hello from 17".getBytes(StandardCharsets.UTF_8), Placement.root());
        var copy = client.download(item.id().openId(), Path.of("target", "hello-copy.txt"));
        assertEquals(13, copy.size());

        // state that the extension must clear before the next test
        yundoc.addFault(Fault.on("GET /api/v1/openapi/personal/files").code(30010));
        yundoc.advanceClock(Duration.ofDays(1));
    }

    @Test
    @Order(2)
    void startsFromAResetEmulator(YundocEmulator yundoc) {
        assertEquals(0, yundoc.admin("GET", "/faults", null).path("faults").size());
        assertEquals(0, yundoc.admin("GET", "/clock", null).path("offset_seconds").asLong());
    }
}

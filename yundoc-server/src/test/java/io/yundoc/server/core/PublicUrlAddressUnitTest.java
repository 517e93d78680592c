package io.yundoc.server.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Forwarded client addresses are taken only as IP literals, so header text never reaches a DNS lookup. */
class PublicUrlAddressUnitTest {

    @ParameterizedTest
    @ValueSource(strings = {"203.0.113.7", "0.0.0.0", "255.255.255.255", "::1", "2001:db8::42", "::ffff:192.0.2.1"})
    void ipLiteralsAreTaken(String a) {
        assertThat(PublicUrl.ipLiteral(a)).isTrue();
    }

    /** Each of these would make InetAddress.getByName ask DNS (hex-looking names, bad or short dotted forms). */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "dead.beef",
                "cafe.babe.face",
                "999.1.1.1",
                "1.2.3",
                "1.2.3.4.5",
                "1..2.3",
                "a",
                "",
                "10.0.0.1a",
                "01234.1.1.1"
            })
    void anythingElseIsRefused(String a) {
        assertThat(PublicUrl.ipLiteral(a)).isFalse();
    }
}

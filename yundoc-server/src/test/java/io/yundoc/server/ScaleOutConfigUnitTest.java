package io.yundoc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.yundoc.server.blob.S3BlobStore;
import io.yundoc.server.core.Database;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Scale-out flags are checked at start: a malformed backend URL or policy refuses to start with a clear message. */
class ScaleOutConfigUnitTest {

    @Test
    void malformedBackendsAreRefused() {
        for (var bad : new Consumer[] {
            (Consumer<ServerConfig.Builder>) b -> b.blobs("http://bucket"),
            (Consumer<ServerConfig.Builder>) b -> b.quota("tcp://127.0.0.1:6379"),
            (Consumer<ServerConfig.Builder>) b -> b.db("jdbc:mysql://x/y"),
            (Consumer<ServerConfig.Builder>) b -> b.quotaFailure("maybe"),
            (Consumer<ServerConfig.Builder>) b -> b.blobsPresign(true),
            (Consumer<ServerConfig.Builder>)
                    b -> b.blobs("s3://b?endpoint=http://h").maxUpload(6L << 30)
        }) {
            ServerConfig.Builder b = ServerConfig.builder();
            @SuppressWarnings("unchecked")
            Consumer<ServerConfig.Builder> c = bad;
            c.accept(b);
            assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class);
        }
        ServerConfig ok = ServerConfig.builder()
                .blobs("s3://b?endpoint=http://h")
                .quota("redis://h:6379")
                .db("jdbc:postgresql://h/d")
                .quotaFailure("closed")
                .build();
        assertThat(ok.scaleOut()).isTrue();
        assertThat(ServerConfig.builder().blobs(" ").quota("").build().scaleOut())
                .isFalse();
    }

    @Test
    void s3UrlsParse() {
        S3BlobStore.Location l = S3BlobStore.Location.parse(
                "s3://my-bucket/some/prefix?endpoint=http%3A%2F%2F127.0.0.1%3A9000&region=eu-west-1&access_key=a&secret_key=s%2Fx");
        assertThat(l.bucket()).isEqualTo("my-bucket");
        assertThat(l.prefix()).isEqualTo("some/prefix/");
        assertThat(l.endpoint().toString()).isEqualTo("http://127.0.0.1:9000");
        assertThat(l.region().id()).isEqualTo("eu-west-1");
        assertThat(l.secretKey()).isEqualTo("s/x");
        assertThat(S3BlobStore.Location.parse("s3://b").prefix()).isEmpty();
        assertThatThrownBy(() -> S3BlobStore.Location.parse("s3:///nobucket"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> S3BlobStore.Location.parse("s3://")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jdbcUrlParams() {
        assertThat(Database.urlParam("jdbc:postgresql://h/d?user=u&currentSchema=yd_1", "currentSchema"))
                .isEqualTo("yd_1");
        assertThat(Database.urlParam("jdbc:postgresql://h/d", "currentSchema")).isNull();
    }
}

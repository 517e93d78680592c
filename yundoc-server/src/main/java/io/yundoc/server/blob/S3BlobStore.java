package io.yundoc.server.blob;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Blobs in any S3-compatible store ({@code --blobs s3://bucket?endpoint=...&region=...}), path-style, object key =
 * optional prefix + content SHA-256. The key is known only after the whole body is read, so an upload is spooled to
 * a local temp file while hashed (memory stays flat whatever the size) and PUT from that file on commit; an object
 * that already exists is not uploaded again. Credentials come from the standard AWS chain (environment, profile,
 * instance role) unless {@code access_key}/{@code secret_key} are given in the URL.
 */
public final class S3BlobStore implements BlobStore {
    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final String prefix;
    private final SpoolDir spool;
    private final boolean presign;
    private volatile long healthCheckedAt;
    private volatile boolean lastHealthy = true;

    /** The parsed {@code s3://} URL. */
    public record Location(
            String bucket, URI endpoint, Region region, String prefix, String accessKey, String secretKey) {
        public static Location parse(String url) {
            URI u = URI.create(url);
            if (!"s3".equals(u.getScheme())
                    || u.getHost() == null
                    || u.getHost().isBlank()) {
                throw new IllegalArgumentException(
                        "--blobs must look like s3://bucket?endpoint=http://host:port&region=us-east-1");
            }
            Map<String, String> q = new LinkedHashMap<>();
            if (u.getRawQuery() != null) {
                for (String kv : u.getRawQuery().split("&", -1)) {
                    int eq = kv.indexOf('=');
                    if (eq > 0) {
                        q.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
                    }
                }
            }
            String path = u.getPath() == null ? "" : u.getPath().replaceAll("^/+", "");
            String prefix = q.getOrDefault("prefix", path);
            if (!prefix.isEmpty() && !prefix.endsWith("/")) {
                prefix = prefix + "/";
            }
            String endpoint = q.get("endpoint");
            return new Location(
                    u.getHost(),
                    endpoint == null ? null : URI.create(endpoint),
                    Region.of(q.getOrDefault("region", "us-east-1")),
                    prefix,
                    q.get("access_key"),
                    q.get("secret_key"));
        }

        public AwsCredentialsProvider credentials() {
            if (accessKey != null && secretKey != null) {
                return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
            }
            return DefaultCredentialsProvider.builder().build();
        }

        /** An S3 client for this location with short timeouts, so an outage fails a request instead of hanging it. */
        public S3Client client() {
            var b = S3Client.builder()
                    .httpClientBuilder(UrlConnectionHttpClient.builder()
                            .connectionTimeout(Duration.ofSeconds(3))
                            .socketTimeout(Duration.ofSeconds(30)))
                    .region(region)
                    .credentialsProvider(credentials())
                    .serviceConfiguration(S3Configuration.builder()
                            .pathStyleAccessEnabled(true)
                            .build())
                    // many S3-compatible stores reject the newer default CRC trailers; we verify our own SHA-256
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    .overrideConfiguration(
                            o -> o.apiCallTimeout(Duration.ofMinutes(30)).retryStrategy(r -> r.maxAttempts(2)));
            if (endpoint != null) {
                b.endpointOverride(endpoint);
            }
            return b.build();
        }
    }

    static {
        // the JDK HTTP client behind url-connection-client keeps only 5 idle connections per host by default:
        // concurrent downloads would open a new TCP connection to the store for almost every request
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", "128");
        }
    }

    /** A store whose spool dir other processes may share (spool files of a crashed run go by their locks). */
    public S3BlobStore(String url, Path tmpDir, boolean presign) throws IOException {
        this(url, tmpDir, presign, false);
    }

    /**
     * @param ownsTmpDir true when the caller holds the data-dir lock, so no other process spools into {@code tmpDir}
     */
    public S3BlobStore(String url, Path tmpDir, boolean presign, boolean ownsTmpDir) throws IOException {
        Location loc = Location.parse(url);
        this.bucket = loc.bucket();
        this.prefix = loc.prefix();
        this.s3 = loc.client();
        var pb = S3Presigner.builder()
                .region(loc.region())
                .credentialsProvider(loc.credentials())
                .serviceConfiguration(
                        S3Configuration.builder().pathStyleAccessEnabled(true).build());
        if (loc.endpoint() != null) {
            pb.endpointOverride(loc.endpoint());
        }
        this.presigner = pb.build();
        this.presign = presign;
        // spool files go to a directory of this process's own; those a killed run left are removed now, while
        // another instance sharing this dir keeps its own (SpoolDir)
        this.spool = SpoolDir.claim(tmpDir, ownsTmpDir);
    }

    String objectKey(String key) {
        if (key == null || !key.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a blob key");
        }
        return prefix + key;
    }

    @Override
    public PendingBlob write(InputStream in, long maxBytes) throws IOException {
        return new S3Pending(Spool.write(in, spool.dir(), "s3-", maxBytes, false));
    }

    @Override
    public InputStream open(String key, long offset) throws IOException {
        return get(key, offset <= 0 ? null : "bytes=" + offset + "-");
    }

    @Override
    public InputStream open(String key, long offset, long length) throws IOException {
        if (length <= 0) {
            return InputStream.nullInputStream();
        }
        return get(key, "bytes=" + Math.max(0, offset) + "-" + (Math.max(0, offset) + length - 1));
    }

    private InputStream get(String key, String range) throws IOException {
        try {
            return s3.getObject(GetObjectRequest.builder()
                    .bucket(bucket)
                    .key(objectKey(key))
                    .range(range)
                    .build());
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException("blob " + key + " missing from s3://" + bucket);
        } catch (SdkException e) {
            throw new IOException("s3 get failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> directUrl(String key, String fileName, String contentType, Duration ttl) {
        if (!presign) {
            return Optional.empty();
        }
        var get = GetObjectRequest.builder()
                .bucket(bucket)
                .key(objectKey(key))
                .responseContentDisposition(BlobResponder.contentDisposition("attachment", fileName))
                .responseContentType(
                        contentType == null || contentType.isEmpty() ? "application/octet-stream" : contentType)
                .build();
        return Optional.of(presigner
                .presignGetObject(r -> r.signatureDuration(ttl).getObjectRequest(get))
                .url()
                .toString());
    }

    @Override
    public boolean exists(String key) {
        try {
            s3.headObject(r -> r.bucket(bucket).key(objectKey(key)));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(objectKey(key)));
        } catch (SdkException e) {
            throw new IOException("s3 delete failed: " + e.getMessage(), e);
        }
    }

    /** HEAD on the bucket, at most once a second per instance (health probes must not hammer the store). */
    @Override
    public boolean healthy() {
        long now = System.nanoTime();
        if (now - healthCheckedAt < 1_000_000_000L) {
            return lastHealthy;
        }
        boolean up;
        try {
            s3.headBucket(r -> r.bucket(bucket));
            up = true;
        } catch (RuntimeException e) {
            up = false;
        }
        lastHealthy = up;
        healthCheckedAt = now;
        return up;
    }

    /** The client, for tools that walk the bucket (admin migrate verification). */
    public S3Client client() {
        return s3;
    }

    public String bucket() {
        return bucket;
    }

    @Override
    public void close() {
        presigner.close();
        s3.close();
        spool.close();
    }

    private final class S3Pending extends Spool.Pending {

        S3Pending(Spool.Spooled spooled) {
            super(spooled);
        }

        @Override
        public void commit() throws IOException {
            try {
                if (!exists(key())) {
                    // Content-MD5 makes the store reject a body damaged in transit
                    String md5b64 =
                            Base64.getEncoder().encodeToString(HexFormat.of().parseHex(spooled.md5()));
                    s3.putObject(
                            r -> r.bucket(bucket)
                                    .key(objectKey(key()))
                                    .contentLength(spooled.size())
                                    .contentMD5(md5b64)
                                    .contentType("application/octet-stream"),
                            RequestBody.fromFile(file()));
                }
            } catch (SdkException e) {
                throw new IOException("s3 put failed: " + e.getMessage(), e);
            } finally {
                close();
            }
        }

        @Override
        public void close() {
            try {
                Files.deleteIfExists(file());
            } catch (IOException ignored) {
                // a stray spool file is harmless; the next start removes it
            }
        }
    }
}

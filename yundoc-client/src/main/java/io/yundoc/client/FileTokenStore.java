package io.yundoc.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;

/**
 * A {@link TokenStore} in a JSON file readable only by its owner (mode 0600 on POSIX file systems), written
 * atomically (temp file + rename) so a crash never leaves half a token file. The {@code yundoc login} command uses
 * {@code ~/.config/yundoc/tokens.json}.
 */
public final class FileTokenStore implements TokenStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    /** @param file the JSON file; its directory is created (mode 0700) on first save */
    public FileTokenStore(Path file) {
        this.file = file.toAbsolutePath();
    }

    /** The file this store reads and writes. */
    public Path file() {
        return file;
    }

    @Override
    public synchronized Optional<Tokens> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(file.toFile());
            String access = text(n, "access_token");
            if (access == null) {
                return Optional.empty();
            }
            String exp = text(n, "expires_at");
            return Optional.of(new Tokens(
                    access, text(n, "refresh_token"), exp == null ? null : Instant.parse(exp), text(n, "app_id")));
        } catch (IOException | RuntimeException e) {
            throw new YundocClientException("cannot read token file " + file + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n, String f) {
        JsonNode v = n.get(f);
        return v == null || v.isNull() ? null : v.asText();
    }

    @Override
    public synchronized void save(Tokens t) {
        ObjectNode n = JSON.createObjectNode();
        n.put("access_token", t.accessToken());
        n.put("refresh_token", t.refreshToken());
        n.put("expires_at", t.expiresAt() == null ? null : t.expiresAt().toString());
        n.put("app_id", t.appId());
        try {
            Path dir = file.getParent();
            boolean posix =
                    FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
            if (!Files.exists(dir)) {
                if (posix) {
                    Files.createDirectories(
                            dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(dir);
                }
            }
            Path tmp = posix
                    ? Files.createTempFile(
                            dir,
                            ".tokens",
                            ".tmp",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(dir, ".tokens", ".tmp");
            try {
                Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new YundocClientException("cannot write token file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void clear() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new YundocClientException("cannot delete token file " + file + ": " + e.getMessage(), e);
        }
    }
}

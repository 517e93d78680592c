package io.yundoc.server.blob;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Temporary download tickets (api.md §6): {@code base64url(payload).base64url(mac)} where the payload binds the
 * file id, the content hash of the version minted and the expiry, and the MAC is HMAC-SHA256 truncated to 128 bits
 * under a key shared by every instance. Stateless: nothing to store, nothing to clean up.
 */
public final class DownloadTickets {
    private static final byte FORMAT = 1;
    private static final byte PART_FORMAT = 2;
    private static final int MAC_BYTES = 16;
    private static final Base64.Encoder ENC = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DEC = Base64.getUrlDecoder();
    private final SecretKeySpec key;

    /** One initialised Mac per thread: looking one up and keying it costs more than the MAC itself. */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    public DownloadTickets(byte[] secret) {
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /** A verified ticket. */
    public record Ticket(String fileId, String blobKey, long expiresAt) {}

    public String mint(String fileId, String blobKey, long expiresAt) {
        byte[] id = fileId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + 32 + id.length);
        b.put(FORMAT).putLong(expiresAt).put(HexFormat.of().parseHex(blobKey)).put(id);
        byte[] payload = b.array();
        return ENC.encodeToString(payload) + "." + ENC.encodeToString(mac(payload));
    }

    /** The ticket if it is well-formed and its MAC verifies; expiry is the caller's check. */
    public Optional<Ticket> verify(String ticket) {
        byte[] payload = checked(ticket);
        if (payload == null || payload.length < 1 + 8 + 32 + 1 || payload[0] != FORMAT) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        b.get();
        long exp = b.getLong();
        byte[] hash = new byte[32];
        b.get(hash);
        String fileId = new String(payload, 41, payload.length - 41, StandardCharsets.UTF_8);
        return Optional.of(new Ticket(fileId, HexFormat.of().formatHex(hash), exp));
    }

    /** A verified ticket for one part of a file's bytes (a picture inside a workbook, docs/api-families.md §F1.4). */
    public record PartTicket(String fileId, String blobKey, String part, long expiresAt) {}

    /**
     * A ticket for the part {@code part} of these bytes of the file: its own format byte, so a part ticket never
     * verifies as a whole-file ticket (and the reverse).
     */
    public String mintPart(String fileId, String blobKey, String part, long expiresAt) {
        byte[] id = fileId.getBytes(StandardCharsets.UTF_8);
        byte[] name = part.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + 32 + 2 + id.length + name.length);
        b.put(PART_FORMAT)
                .putLong(expiresAt)
                .put(HexFormat.of().parseHex(blobKey))
                .putShort((short) id.length)
                .put(id)
                .put(name);
        byte[] payload = b.array();
        return ENC.encodeToString(payload) + "." + ENC.encodeToString(mac(payload));
    }

    /** The part ticket if it is well-formed and its MAC verifies; expiry is the caller's check. */
    public Optional<PartTicket> verifyPart(String ticket) {
        byte[] payload = checked(ticket);
        if (payload == null || payload.length < 1 + 8 + 32 + 2 + 1 + 1 || payload[0] != PART_FORMAT) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        b.get();
        long exp = b.getLong();
        byte[] hash = new byte[32];
        b.get(hash);
        int idLength = Short.toUnsignedInt(b.getShort());
        if (idLength < 1 || idLength >= b.remaining()) {
            return Optional.empty();
        }
        String fileId = new String(payload, b.position(), idLength, StandardCharsets.UTF_8);
        int at = b.position() + idLength;
        String part = new String(payload, at, payload.length - at, StandardCharsets.UTF_8);
        return Optional.of(new PartTicket(fileId, HexFormat.of().formatHex(hash), part, exp));
    }

    /** The payload of a canonically encoded ticket whose MAC verifies, else null. */
    private byte[] checked(String ticket) {
        if (ticket == null || ticket.length() > 512) {
            return null;
        }
        int dot = ticket.indexOf('.');
        if (dot <= 0) {
            return null;
        }
        byte[] payload;
        byte[] mac;
        try {
            payload = DEC.decode(ticket.substring(0, dot));
            mac = DEC.decode(ticket.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
        // Only the canonical encoding is accepted: the decoder ignores a final character's unused bits, which
        // would otherwise let several ticket strings stand for one ticket.
        if (!ENC.encodeToString(payload).equals(ticket.substring(0, dot))
                || !ENC.encodeToString(mac).equals(ticket.substring(dot + 1))) {
            return null;
        }
        if (!MessageDigest.isEqual(mac(payload), mac) || payload.length == 0) {
            return null;
        }
        return payload;
    }

    private Mac newMac() {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private byte[] mac(byte[] payload) {
        return Arrays.copyOf(macs.get().doFinal(payload), MAC_BYTES);
    }
}

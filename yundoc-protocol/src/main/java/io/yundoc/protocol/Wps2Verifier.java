package io.yundoc.protocol;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Verifies WPS-2 signed requests exactly as api.md §3.4 says: header values as sent, every client variant the
 * document lists, constant-time comparison, and the first failing step decides the answer.
 *
 * <p>Verification is split in two so that a large upload is refused before its body is read:
 * {@link #verifyHeaders} runs steps 2–5 (and 7 when the body is empty); {@link #bodyMatches} runs step 6 once the
 * body has been received and hashed.
 */
public final class Wps2Verifier {
    /** The form of the {@code Authorization} header; {@link #authorizationSplit} is its fast equivalent. */
    static final Pattern AUTH = Pattern.compile("^(?i:WPS-2):([^:\\s]{1,64}):([0-9A-Fa-f]{40})$");

    public static final String HINT_SIGNATURE = "signature not match";
    public static final String HINT_DATE = "not a valid datetime or too skewed";
    public static final String HINT_MD5 = "content md5 not match";

    /** What the verifier needs of one app: its valid keys (more than one during a key rotation) and whether it is disabled. */
    public record AppKeys(List<String> keys, boolean disabled) {}

    @FunctionalInterface
    public interface KeyLookup {
        Optional<AppKeys> find(String appId);
    }

    /**
     * The signed parts of a request, as received.
     *
     * @param method        HTTP method
     * @param rawTarget     the raw request target (path and query, undecoded, query in its original order)
     * @param authorization the {@code Authorization} header or null
     * @param date          the {@code Date} header or null
     * @param contentMd5    the {@code Content-Md5} header or null
     * @param contentType   the {@code Content-Type} header or null
     * @param bodyEmpty     whether the request has no body bytes
     * @param pathPrefix    the public base URL's path prefix ("" when none), tried for step 7 behind a path-stripping proxy
     */
    public record SignedRequest(
            String method,
            String rawTarget,
            String authorization,
            String date,
            String contentMd5,
            String contentType,
            boolean bodyEmpty,
            String pathPrefix) {}

    /** Why a WPS-2 request is refused (api.md §3.4): the error code and hint on the wire, and a metric label. */
    public enum Reason {
        MALFORMED_AUTHORIZATION(ErrorCode.INVALID_SIGNATURE, HINT_SIGNATURE),
        UNKNOWN_APP(ErrorCode.APP_NOT_EXIST, "app_id not found"),
        DISABLED_APP(ErrorCode.AUDIT_NOT_PASS, "app is disabled"),
        BAD_DATE(ErrorCode.INVALID_SIGNATURE, HINT_DATE),
        SIGNATURE_MISMATCH(ErrorCode.INVALID_SIGNATURE, HINT_SIGNATURE),
        CONTENT_MD5_MISMATCH(ErrorCode.INVALID_SIGNATURE, HINT_MD5),
        /** Seen before within the window: found by a server's replay cache, never by this verifier. */
        REPLAYED(ErrorCode.INVALID_SIGNATURE, "replayed request");

        private final ErrorCode code;
        private final String hint;

        Reason(ErrorCode code, String hint) {
            this.code = code;
            this.hint = hint;
        }

        public ErrorCode code() {
            return code;
        }

        public String hint() {
            return hint;
        }

        /** The short metric label: the constant's name in lower case ({@code signature_mismatch}). */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Why a request failed. */
    public record Failure(Reason reason) {
        public ErrorCode code() {
            return reason.code();
        }

        public String hint() {
            return reason.hint();
        }
    }

    /** Either the app id that signed the request, or the failure. */
    public record Result(String appId, Failure failure) {
        public boolean ok() {
            return failure == null;
        }
    }

    private final Duration window;

    private static final int PREFIX_LENGTH = Wps2Signer.PREFIX.length();

    public Wps2Verifier(Duration window) {
        this.window = window;
    }

    public Result verifyHeaders(SignedRequest r, KeyLookup lookup, Instant now) {
        String auth = trim(r.authorization());
        int colon = auth == null ? -1 : authorizationSplit(auth);
        if (colon < 0) {
            return fail(Reason.MALFORMED_AUTHORIZATION);
        }
        String appId = auth.substring(PREFIX_LENGTH, colon);
        String sentSig = auth.substring(colon + 1).toLowerCase(Locale.ROOT);
        Optional<AppKeys> app = lookup.find(appId);
        if (app.isEmpty()) {
            return fail(Reason.UNKNOWN_APP);
        }
        if (app.get().disabled()) {
            return fail(Reason.DISABLED_APP);
        }
        String date = nz(trim(r.date()));
        Optional<Instant> sentAt = HttpDates.parse(date);
        if (sentAt.isEmpty() || Duration.between(sentAt.get(), now).abs().compareTo(window) > 0) {
            return fail(Reason.BAD_DATE);
        }
        String md5 = nz(trim(r.contentMd5()));
        String ct = nz(trim(r.contentType()));
        boolean getLike = "GET".equals(r.method()) || "HEAD".equals(r.method());
        boolean matched = false;
        for (String key : app.get().keys()) {
            // Each comparison is constant-time. Stopping at the first form that matches tells a sender only which
            // key and form it used itself; a wrong signature is always compared with every form.
            if (sameHex(Wps2Signer.signature(key, md5, ct, date), sentSig)
                    || (getLike && !ct.isEmpty() && sameHex(Wps2Signer.signature(key, md5, "", date), sentSig))) {
                matched = true;
                break;
            }
        }
        if (!matched) {
            return fail(Reason.SIGNATURE_MISMATCH);
        }
        if (r.bodyEmpty() && !emptyBodyMd5Allowed(md5, r.rawTarget(), r.pathPrefix())) {
            return fail(Reason.CONTENT_MD5_MISMATCH);
        }
        return new Result(appId, null);
    }

    /**
     * Where the colon before the signature is, if {@code auth} has the form of {@link #AUTH} (ASCII-case-insensitive
     * {@code WPS-2:}, an app id of 1–64 characters without colon or whitespace, a colon, 40 hex digits); else -1.
     * A plain scan, because every signed request runs it; {@link #AUTH} states the same rule as a pattern.
     */
    static int authorizationSplit(String auth) {
        int n = auth.length();
        if (n < PREFIX_LENGTH + 1 + 1 + 40 || n > PREFIX_LENGTH + 64 + 1 + 40) {
            return -1;
        }
        for (int i = 0; i < PREFIX_LENGTH; i++) {
            char c = auth.charAt(i);
            if (c >= 'a' && c <= 'z') {
                c = (char) (c - 32); // ASCII only, like the pattern's (?i)
            }
            if (c != Wps2Signer.PREFIX.charAt(i)) {
                return -1;
            }
        }
        int colon = n - 41;
        if (auth.charAt(colon) != ':') {
            return -1;
        }
        for (int i = PREFIX_LENGTH; i < colon; i++) {
            char c = auth.charAt(i);
            if (c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r') {
                return -1;
            }
        }
        for (int i = colon + 1; i < n; i++) {
            if (!Hex.isDigit(auth.charAt(i))) {
                return -1;
            }
        }
        return colon;
    }

    /** Step 6: the sent {@code Content-Md5} against the md5 of the body bytes actually received. */
    public static boolean bodyMatches(String sentContentMd5, String receivedBodyMd5) {
        return sameHex(nz(trim(sentContentMd5)).toLowerCase(Locale.ROOT), receivedBodyMd5);
    }

    /** The md5 values that step 7 accepts for a request without body. */
    public static List<String> emptyBodyCandidates(String rawTarget, String pathPrefix) {
        List<String> inputs = emptyBodyInputs(rawTarget, pathPrefix);
        List<String> out = new ArrayList<>(inputs.size());
        for (String s : inputs) {
            out.add(Hex.md5(s.getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    /** What the md5 of a request without body may be taken over: nothing, the path, the target, in the order tried. */
    private static List<String> emptyBodyInputs(String rawTarget, String pathPrefix) {
        List<String> inputs = new ArrayList<>();
        inputs.add("");
        String target = rawTarget == null ? "" : rawTarget;
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        addForms(inputs, path, target);
        if (pathPrefix != null && !pathPrefix.isEmpty() && !"/".equals(pathPrefix)) {
            String prefix = pathPrefix.endsWith("/") ? pathPrefix.substring(0, pathPrefix.length() - 1) : pathPrefix;
            addForms(inputs, prefix + path, prefix + target);
        }
        return inputs;
    }

    private static void addForms(List<String> inputs, String path, String target) {
        inputs.add(path);
        inputs.add(target);
        try {
            inputs.add(URLDecoder.decode(target.replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException ignored) {
            // a malformed escape cannot be the decoded form
        }
    }

    /**
     * Step 7. The candidates are md5 of public values (the empty string, the request target), not secrets, so the
     * check may stop at the first match: the common {@code md5("")} costs no hashing at all, and the forms are built
     * and hashed one at a time, most common first (the same set as {@link #emptyBodyInputs}, which builds them all).
     */
    private static boolean emptyBodyMd5Allowed(String sentMd5, String rawTarget, String pathPrefix) {
        String sent = sentMd5.toLowerCase(Locale.ROOT);
        if (sent.equals(Wps2Signer.EMPTY_MD5)) {
            return true;
        }
        String target = rawTarget == null ? "" : rawTarget;
        if (formsMatch(sent, target)) {
            return true;
        }
        if (pathPrefix != null && !pathPrefix.isEmpty() && !"/".equals(pathPrefix)) {
            String prefix = pathPrefix.endsWith("/") ? pathPrefix.substring(0, pathPrefix.length() - 1) : pathPrefix;
            return formsMatch(sent, prefix + target);
        }
        return false;
    }

    /** {@link #addForms}' three forms of {@code target}, each built and hashed only if the one before did not match. */
    private static boolean formsMatch(String sent, String target) {
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        if (md5Is(sent, path) || (q >= 0 && md5Is(sent, target))) {
            return true;
        }
        if (target.indexOf('%') < 0 && target.indexOf('+') < 0) {
            return false; // nothing to decode: the decoded form is the target itself
        }
        try {
            String decoded = URLDecoder.decode(target.replace("+", "%2B"), StandardCharsets.UTF_8);
            return !decoded.equals(target) && md5Is(sent, decoded);
        } catch (IllegalArgumentException e) {
            return false; // a malformed escape cannot be the decoded form
        }
    }

    private static boolean md5Is(String sentLower, String input) {
        return Hex.md5(input.getBytes(StandardCharsets.UTF_8)).equals(sentLower);
    }

    private static boolean sameHex(String expectedLower, String sentLower) {
        return MessageDigest.isEqual(
                expectedLower.getBytes(StandardCharsets.US_ASCII),
                sentLower.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }

    private static Result fail(Reason reason) {
        return new Result(null, new Failure(reason));
    }

    private static String trim(String s) {
        return s == null ? null : s.strip();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}

package io.yundoc.server.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Bytes of a valid, empty document for the Office formats the server can create: fixed templates shipped as
 * classpath resources under {@code /blank/}, the Office Open XML packages ({@code docx}, {@code xlsx}, {@code pptx};
 * uncompressed ZIPs with fixed entry times) and the legacy OLE2 binaries ({@code doc}, {@code xls}, {@code ppt}).
 * The bytes never change (content is stored by SHA-256 and deduplicated). Each is read once; every call returns a
 * fresh copy.
 */
public final class BlankDocuments {
    private static final String[] EXTENSIONS = {"docx", "xlsx", "pptx", "doc", "xls", "ppt"};

    private BlankDocuments() {}

    /**
     * An empty document of this type ({@code ext} lower case, without the dot), or empty when the server cannot
     * create one.
     */
    public static Optional<byte[]> forExtension(String ext) {
        if (ext == null) {
            return Optional.empty();
        }
        byte[] template = Holder.TEMPLATES.get(ext.toLowerCase(Locale.ROOT));
        return template == null ? Optional.empty() : Optional.of(template.clone());
    }

    private static final class Holder {
        static final Map<String, byte[]> TEMPLATES = load();

        private static Map<String, byte[]> load() {
            Map<String, byte[]> m = new HashMap<>();
            for (String ext : EXTENSIONS) {
                m.put(ext, resource("/blank/blank." + ext));
            }
            return Map.copyOf(m);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = BlankDocuments.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }
}

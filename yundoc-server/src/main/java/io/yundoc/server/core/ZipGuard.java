package io.yundoc.server.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.poi.openxml4j.util.ZipSecureFile;

/**
 * Zip packages (OOXML, ODF) in the server's hands. POI's zip-bomb limits are process-wide statics of
 * {@link ZipSecureFile}; they are set here, once, for every reader in this JVM (the .xlsx reader of the sheets API and
 * {@link #check}): an entry inflating to more than {@link #MAX_ENTRY_BYTES}, or more than 100× its compressed size
 * past POI's grace size, is a zip bomb.
 *
 * <p>{@link #check} is the cheap test before a package goes to a program that would inflate it whole (the office
 * engine): it streams every entry through POI's threshold stream into nothing, so the server's memory holds one
 * buffer whatever the package inflates to, and counts the bytes actually inflated: the sizes a zip's headers declare
 * are never trusted.
 */
public final class ZipGuard {
    /** An entry inflating to more than this is refused (the 100,000 × 20 benchmark sheet is about 60 MiB). */
    public static final long MAX_ENTRY_BYTES = 512L << 20;
    /** Entries inflating more than 100× (compressed / inflated below 1 %) are zip bombs. */
    public static final double MIN_INFLATE_RATIO = 0.01;

    static {
        ZipSecureFile.setMinInflateRatio(MIN_INFLATE_RATIO);
        ZipSecureFile.setMaxEntrySize(MAX_ENTRY_BYTES);
    }

    private ZipGuard() {}

    /** Sets POI's limits (loading this class does); readers of zip packages call it before opening one. */
    public static void install() {
        // the static initialiser did the work
    }

    /** The package is refused; the message says why in a sentence fit for a client (no path, no sizes of headers). */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** True when the file starts like a zip archive (a local file header, or the end record of an empty one). */
    public static boolean looksLikeZip(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(4);
        }
        return head.length == 4
                && head[0] == 'P'
                && head[1] == 'K'
                && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6));
    }

    /**
     * Inflates every entry of the zip at {@code file} into nothing. Refused when it has more than {@code maxEntries}
     * entries, when its entries inflate to more than {@code maxInflated} bytes in all, when one entry breaks POI's
     * limits, or when it is not a readable zip at all (the office engine would otherwise try to repair it from its
     * local headers, which this check has not read).
     */
    public static void check(Path file, long maxInflated, int maxEntries) throws Refused {
        install();
        try (ZipSecureFile zip = new ZipSecureFile(file.toFile())) {
            byte[] buf = new byte[64 << 10];
            long inflated = 0;
            int entries = 0;
            for (Enumeration<ZipArchiveEntry> e = zip.getEntries(); e.hasMoreElements(); ) {
                ZipArchiveEntry entry = e.nextElement();
                if (++entries > maxEntries) {
                    throw new Refused("the document's zip package has more than " + maxEntries + " entries");
                }
                if (entry.isDirectory()) {
                    continue;
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        inflated += n;
                        if (inflated > maxInflated) {
                            throw new Refused("the document's zip package inflates to more than " + maxInflated
                                    + " bytes (a zip bomb)");
                        }
                    }
                } catch (IOException x) {
                    throw bombOrBroken(x);
                }
            }
        } catch (IOException x) {
            throw bombOrBroken(x);
        } catch (RuntimeException x) { // commons-compress on headers that make no sense
            throw new Refused("the document could not be opened (damaged zip package)");
        }
    }

    /** POI's threshold stream says "Zip bomb detected!" (entry size or inflate ratio); anything else: unreadable. */
    private static Refused bombOrBroken(IOException x) {
        String m = String.valueOf(x.getMessage());
        if (m.startsWith("Zip bomb detected")) {
            return new Refused("the document's zip package has an entry that inflates more than "
                    + Math.round(1 / MIN_INFLATE_RATIO) + "× or beyond " + (MAX_ENTRY_BYTES >> 20)
                    + " MiB (a zip bomb)");
        }
        return new Refused("the document could not be opened (damaged zip package)");
    }
}

package io.yundoc.server.office;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.apache.poi.hssf.record.EOFRecord;
import org.apache.poi.hssf.record.FilePassRecord;
import org.apache.poi.poifs.filesystem.DirectoryNode;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;
import org.apache.poi.util.LittleEndian;

/**
 * Whether a legacy Office file (an OLE2 compound file: .doc, .xls, .ppt) is encrypted, from a few bytes of its
 * streams, never by loading the document: the file is opened read-only and mapped, not read into the heap.
 *
 * <ul>
 *   <li>an encrypted OOXML package under a legacy name: the {@code EncryptionInfo} stream;
 *   <li>Word: {@code fEncrypted} (0x0100) in the flags of the FIB at the start of the {@code WordDocument} stream;
 *   <li>Excel: a FILEPASS record in the workbook globals (it follows the first BOF);
 *   <li>PowerPoint: the {@code Current User} atom's header token 0xF3D1C4DF, or an {@code EncryptedSummary} stream.
 * </ul>
 */
final class LegacyEncryption {
    private static final int FIB_ENCRYPTED = 0x0100;
    private static final long PPT_ENCRYPTED_TOKEN = 0xF3D1C4DFL;
    /** FILEPASS comes right after the globals' BOF; a few records are plenty. */
    private static final int MAX_RECORDS = 64;

    private LegacyEncryption() {}

    /** True when the first bytes are the OLE2 signature D0 CF 11 E0 A1 B1 1A E1. */
    static boolean isOle2(byte[] head) {
        return head.length >= 8
                && (head[0] & 0xff) == 0xD0
                && (head[1] & 0xff) == 0xCF
                && (head[2] & 0xff) == 0x11
                && (head[3] & 0xff) == 0xE0
                && (head[4] & 0xff) == 0xA1
                && (head[5] & 0xff) == 0xB1
                && (head[6] & 0xff) == 0x1A
                && (head[7] & 0xff) == 0xE1;
    }

    /** The OLE2 file's verdict; a file POI cannot read as OLE2 is not called encrypted (the engine will say more). */
    static boolean encrypted(Path file) {
        try (POIFSFileSystem fs = new POIFSFileSystem(file.toFile(), true)) {
            DirectoryNode root = fs.getRoot();
            if (root.hasEntryCaseInsensitive("EncryptionInfo")) {
                return true;
            }
            if (root.hasEntryCaseInsensitive("WordDocument")) {
                return word(root);
            }
            for (String name : new String[] {"Workbook", "Book"}) {
                if (root.hasEntryCaseInsensitive(name)) {
                    return workbook(root, name);
                }
            }
            if (root.hasEntryCaseInsensitive("EncryptedSummary")) {
                return true;
            }
            if (root.hasEntryCaseInsensitive("Current User")) {
                return slides(root);
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean word(DirectoryNode root) throws IOException {
        try (InputStream in = root.createDocumentInputStream(root.getEntryCaseInsensitive("WordDocument"))) {
            byte[] fib = in.readNBytes(12);
            return fib.length == 12 && (LittleEndian.getUShort(fib, 10) & FIB_ENCRYPTED) != 0;
        }
    }

    private static boolean workbook(DirectoryNode root, String name) throws IOException {
        try (InputStream in = root.createDocumentInputStream(root.getEntryCaseInsensitive(name))) {
            for (int i = 0; i < MAX_RECORDS; i++) {
                byte[] header = in.readNBytes(4);
                if (header.length < 4) {
                    return false;
                }
                int sid = LittleEndian.getUShort(header, 0);
                int length = LittleEndian.getUShort(header, 2);
                if (sid == FilePassRecord.sid) {
                    return true;
                }
                if (sid == EOFRecord.sid) {
                    return false; // the end of the globals: no FILEPASS
                }
                in.skipNBytes(length); // a short stream ends in EOFException: not encrypted, as any unreadable file
            }
            return false;
        }
    }

    private static boolean slides(DirectoryNode root) throws IOException {
        try (InputStream in = root.createDocumentInputStream(root.getEntryCaseInsensitive("Current User"))) {
            // record header (8 bytes), size (4), then headerToken
            byte[] atom = in.readNBytes(16);
            return atom.length == 16 && LittleEndian.getUInt(atom, 12) == PPT_ENCRYPTED_TOKEN;
        }
    }
}

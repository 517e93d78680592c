package io.yundoc.server.files;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.exception.WriteLimitReachedException;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.sax.BodyContentHandler;

/**
 * The text-extractor process ({@link TextExtractor} starts it as {@code java -Xmx… -XX:+ExitOnOutOfMemoryError -cp
 * <server class path> io.yundoc.server.files.ExtractorProcess}). It reads requests on stdin and answers on stdout,
 * one file at a time, until stdin closes:
 * <ul>
 * <li>at start, once Tika is loaded: the byte {@code 'R'};</li>
 * <li>request: {@code writeUTF(path)}, {@code writeUTF(file name)}, {@code writeInt(max chars)};</li>
 * <li>answer: a status byte ({@link #TEXT} or {@link #FAILED}), {@code writeInt(n)}, then n bytes of UTF-8: the text
 * (cut at max chars while parsing: Tika's write limit stops the parser there), or why the file cannot be read.</li>
 * </ul>
 * Running out of heap ends this process (exit status 3), never the server; so does anything else it cannot survive.
 */
public final class ExtractorProcess {
    static final byte READY = 'R';
    static final byte TEXT = 0;
    static final byte FAILED = 1;
    private static final int MAX_REASON = 300;

    private ExtractorProcess() {}

    public static void main(String[] args) throws IOException {
        // stdout is the protocol: whatever a parser library prints goes to stderr instead
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)));
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        Logger.getLogger("").setLevel(Level.SEVERE); // parser warnings about odd files are noise here
        DataInputStream in = new DataInputStream(new BufferedInputStream(System.in));
        AutoDetectParser parser = new AutoDetectParser();
        out.writeByte(READY);
        out.flush();
        while (true) {
            String path;
            try {
                path = in.readUTF();
            } catch (EOFException e) {
                return; // the server closed the pipe (stopping, or gone): so do we
            }
            String name = in.readUTF();
            int maxChars = in.readInt();
            BodyContentHandler handler = new BodyContentHandler(maxChars);
            byte status = TEXT;
            String body;
            Metadata md = new Metadata();
            md.set(TikaCoreProperties.RESOURCE_NAME_KEY, name);
            try (TikaInputStream tis = TikaInputStream.get(Path.of(path), md)) {
                parser.parse(tis, handler, md, new ParseContext());
                body = handler.toString();
            } catch (Exception e) {
                if (WriteLimitReachedException.isWriteLimitReached(e)) {
                    body = handler.toString(); // the first maxChars characters: enough to search
                } else {
                    status = FAILED;
                    body = reason(e);
                }
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            out.writeByte(status);
            out.writeInt(bytes.length);
            out.write(bytes);
            out.flush();
        }
    }

    /** One short line naming what went wrong, without a stack trace. */
    static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) { // getCause() is null, never the throwable itself, at the end of a chain
            root = root.getCause();
        }
        if (e instanceof EncryptedDocumentException
                || root instanceof EncryptedDocumentException
                || root.getClass().getName().endsWith("EncryptedDocumentException")) {
            return "encrypted";
        }
        String msg = root.getMessage() == null
                ? ""
                : ": " + root.getMessage().replaceAll("\\s+", " ").strip();
        String line = "unreadable (" + root.getClass().getSimpleName() + msg + ")";
        return line.length() > MAX_REASON ? line.substring(0, MAX_REASON - 1) + "…" : line;
    }
}

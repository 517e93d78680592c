package io.yundoc.cli;

import io.yundoc.server.migrate.Migrator;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code yundoc admin migrate --from <data dir> --to <postgres url> <s3 url>}: embedded → scale-out, verified. */
@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        description = {
            "Copy an embedded installation (stopped) into PostgreSQL + S3 and verify every row and blob.",
            "e.g. yundoc admin migrate --from ./yundoc-data --to 'jdbc:postgresql://db/yundoc?user=yd' 's3://bucket?endpoint=http://s3:9000'"
        })
final class MigrateCommand implements Callable<Integer> {
    /** Held so the levels stick (JUL keeps loggers weakly). */
    private static final List<Logger> QUIET =
            List.of(Logger.getLogger("org.flywaydb"), Logger.getLogger("com.zaxxer.hikari"));

    @Option(names = "--from", required = true, description = "the embedded data dir (holding yundoc.db and blobs/)")
    Path from;

    @Option(
            names = "--to",
            required = true,
            arity = "1..2",
            description = "jdbc:postgresql://... and s3://bucket?endpoint=...")
    List<String> to;

    @Override
    public Integer call() throws Exception {
        String db = to.stream()
                .filter(s -> s.startsWith("jdbc:postgresql:"))
                .findFirst()
                .orElse(null);
        String blobs =
                to.stream().filter(s -> s.startsWith("s3://")).findFirst().orElse(null);
        if (db == null || to.size() != (blobs == null ? 1 : 2)) {
            System.err.println("yundoc: --to takes a jdbc:postgresql:// URL and an s3:// URL");
            return 2;
        }
        if (blobs == null) {
            System.err.println("yundoc: no s3:// target: blobs stay in " + from.resolve("blobs"));
        }
        QUIET.forEach(l -> l.setLevel(Level.WARNING));
        Migrator.Result r = new Migrator(from, db, blobs, System.out).run();
        return r.ok() ? 0 : 1;
    }
}

package io.yundoc.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code yundoc admin METHOD PATH [JSON]}: calls the admin API with the admin token from the env or data dir. */
@Command(
        name = "admin",
        mixinStandardHelpOptions = true,
        subcommands = MigrateCommand.class,
        description = "Call the admin API, e.g. yundoc admin POST /apps '{\"name\":\"my app\",\"tier\":\"test\"}'")
final class AdminCommand implements Callable<Integer> {
    @Option(
            names = "--server",
            defaultValue = "http://127.0.0.1:8080",
            description = "server URL (default ${DEFAULT-VALUE})")
    String server;

    @Option(names = "--data", defaultValue = "./yundoc-data", description = "data dir holding admin.token")
    Path data;

    @Parameters(index = "0", arity = "0..1", description = "GET, POST, PUT, PATCH or DELETE")
    String method;

    @Parameters(index = "1", arity = "0..1", description = "path below /admin/v1, e.g. /apps")
    String path;

    @Parameters(index = "2", arity = "0..1", description = "JSON body")
    String body;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (method == null || path == null) {
            System.err.println(
                    "yundoc: usage: yundoc admin METHOD PATH [JSON]  or  yundoc admin migrate --from DIR --to PG_URL S3_URL");
            return 2;
        }
        String token = System.getenv("YUNDOC_ADMIN_TOKEN");
        if (token == null || token.isBlank()) {
            Path f = data.resolve("admin.token");
            if (!Files.exists(f)) {
                System.err.println(
                        "yundoc: no admin token: set YUNDOC_ADMIN_TOKEN or point --data at the server's data dir");
                return 2;
            }
            token = Files.readString(f).strip();
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.replaceAll("/$", "") + "/admin/v1" + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(
                        method.toUpperCase(Locale.ROOT),
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> res = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
        System.out.println(res.body());
        return res.statusCode() / 100 == 2 ? 0 : 1;
    }
}

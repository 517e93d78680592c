package io.yundoc.cli;

import io.yundoc.client.YundocClientException;
import io.yundoc.client.YundocException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;

/**
 * One line for a failure a person can act on: a network failure names the server and what to check, an expired
 * login says to log in again. Everything else keeps {@link Main}'s message.
 */
final class CliErrors {
    private CliErrors() {}

    /**
     * @param command the picocli command object that failed (client commands know their server)
     * @param plain the message {@link Main} would print
     */
    static String message(Throwable ex, Object command, String plain) {
        if (ex instanceof YundocClientException && command instanceof ClientCommand b) {
            String server;
            try {
                server = b.o.server();
            } catch (CliException e) {
                return plain;
            }
            String network = network(ex, server);
            if (network != null) {
                return network;
            }
        }
        if (ex instanceof YundocException y && !(command instanceof LoginCommand)) {
            if (y.code() == 20001) {
                // outside login the only 20001 is the refresh of the stored login (api.md: expired, used or revoked)
                return plain + " — the saved login has expired or was revoked: run yundoc login";
            }
            if (y.code() == 20007) {
                return plain
                        + " — the access token has expired or was revoked: run yundoc login (or pass a new --access-token)";
            }
        }
        return plain;
    }

    /** The failure of reaching {@code server}, or null when {@code ex} is not a network failure. */
    static String network(Throwable ex, String server) {
        for (Throwable c = ex; c != null; c = c.getCause()) {
            if (c instanceof HttpConnectTimeoutException) {
                return "connection to " + server + " timed out — is the address right? see --server";
            }
            if (c instanceof UnresolvedAddressException || c instanceof UnknownHostException) {
                return "cannot resolve the host of " + server + " — see --server";
            }
            if (c instanceof ConnectException) {
                // java.net.http reports an unknown host as a ConnectException caused by UnresolvedAddressException
                if (c.getCause() instanceof UnresolvedAddressException) {
                    return "cannot resolve the host of " + server + " — see --server";
                }
                return "connection refused to " + server + " — is yundoc running? see --server";
            }
            if (c instanceof HttpTimeoutException) {
                return "no answer from " + server + " in time — is it overloaded? see --server";
            }
            if (c instanceof IOException io) {
                return "network failure talking to " + server + ": "
                        + (io.getMessage() == null ? io.getClass().getSimpleName() : io.getMessage())
                        + " — see --server";
            }
        }
        return null;
    }
}

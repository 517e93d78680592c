package io.yundoc.server.inspect;

import io.yundoc.server.auth.AppRecord;
import io.yundoc.server.auth.AppStore;
import io.yundoc.server.auth.UserRecord;
import io.yundoc.server.auth.UserStore;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** What the dev-mode inspector shows of the server's state: apps, users, the newest files and links. Read only. */
public final class InspectService {
    private final AppStore apps;
    private final UserStore users;
    private final InspectStore store;

    public InspectService(Jdbi jdbi, AppStore apps, UserStore users) {
        this.apps = apps;
        this.users = users;
        this.store = new InspectStore(jdbi);
    }

    public List<AppRecord> apps() {
        return apps.all();
    }

    public List<UserRecord> users() {
        return users.all();
    }

    public List<Inspected.FileRow> files(int limit) {
        return store.files(limit);
    }

    public List<Inspected.LinkRow> links(int limit) {
        return store.links(limit);
    }
}

-- OAuth authorization codes, browser sessions, login throttling and edit tokens (api.md §3.1, §5.2).
-- Everything lives in the database so several instances can share it. Secrets (codes, session ids, edit tokens)
-- are stored as SHA-256 hashes only.

CREATE TABLE auth_codes (
    code_hash    TEXT PRIMARY KEY,
    app_id       TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    grant_id     TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    chain_id     TEXT NOT NULL,
    expires_at   BIGINT NOT NULL,
    used         INTEGER NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL
);
CREATE INDEX auth_codes_grant ON auth_codes (grant_id);
CREATE INDEX auth_codes_expiry ON auth_codes (expires_at);

CREATE TABLE browser_sessions (
    session_hash TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX browser_sessions_user ON browser_sessions (user_id);
CREATE INDEX browser_sessions_expiry ON browser_sessions (expires_at);

-- One row per throttled key: a hashed account name ('u:') or client address ('a:'). The last failure is kept in
-- milliseconds (waits are short); the lock-out end in seconds.
CREATE TABLE login_throttle (
    throttle_key    TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL,
    last_failure_ms BIGINT NOT NULL,
    locked_until    BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE edit_tokens (
    token_hash TEXT PRIMARY KEY,
    app_id     TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX edit_tokens_user ON edit_tokens (app_id, user_id);

-- Scale-out: the WPS-2 replay cache shared through the database when no Redis is configured
-- (several instances on one PostgreSQL must refuse a replay that reaches a different instance).
CREATE TABLE replay_cache (
    cache_key  TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
CREATE INDEX replay_cache_expiry ON replay_cache (expires_at);

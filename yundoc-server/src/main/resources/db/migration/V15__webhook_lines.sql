-- The webhook dispatcher's lines (docs/api-families.md §F2.7): each subscription's pending deliveries in seq order.
-- Finding every subscription's first pending delivery is then one index seek per subscription, however many
-- deliveries the outbox has already sent (kept for the dev-mode list) or holds behind a receiver that is down.
CREATE INDEX webhook_deliveries_line ON webhook_deliveries (state, webhook_id, seq);

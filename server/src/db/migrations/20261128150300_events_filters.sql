-- The events page's filters at 1M events: each one is an index read in (occurred_at DESC, id DESC) order, the keyset
-- of its pages, and the indexes carry the columns the other filters test, so a combination ("failed sign-ins of
-- alice", "alice's sign-ins to grafana") is checked inside the index (an index-only scan) instead of fetching every
-- row of a busy user or application from the table. Which query uses which index: server/src/admin/events/repo.ts.

-- The application an event is about when it is not the target: sign-ins and consents name it in data.clientId.
-- A stored column, so that indexes can carry it (an expression index cannot serve an index-only scan). Bounded, so
-- an odd value can never make an index entry too large to insert. Backups leave generated columns out.
ALTER TABLE events ADD COLUMN client_id text GENERATED ALWAYS AS (left(data ->> 'clientId', 100)) STORED;

-- Index-only scans skip only pages the visibility map marks all-visible; an append-only table is vacuumed for that
-- after 20% new rows by default. The newest events are the ones every page shows first: vacuum them sooner.
ALTER TABLE events SET (autovacuum_vacuum_insert_scale_factor = 0.02);

-- By exact type. Recreated with id, the keyset's tie-breaker (events written in one transaction share occurred_at).
-- It also serves the dashboard's logins chart. A type with a user or an application is read from their indexes.
DROP INDEX events_type_occurred_at;
CREATE INDEX events_type_occurred_at ON events (type, occurred_at DESC, id DESC);

-- By category ("user." is every user.* type): the part of the type before its first dot.
CREATE INDEX events_category_occurred_at ON events ((split_part(type, '.', 1)), occurred_at DESC, id DESC);

-- By user: what they did, and what was done to them. Recreated to carry type and client_id.
DROP INDEX events_actor_occurred_at;
CREATE INDEX events_actor_occurred_at ON events (actor_user_id, occurred_at DESC, id DESC) INCLUDE (type, client_id) WHERE actor_user_id IS NOT NULL;
DROP INDEX events_target_occurred_at;
CREATE INDEX events_target_occurred_at ON events (target_type, target_id, occurred_at DESC, id DESC) INCLUDE (type, client_id, actor_user_id) WHERE target_id IS NOT NULL;

-- By application, for the events that are not about it as their target (sign-ins, consents).
CREATE INDEX events_client_occurred_at ON events (client_id, occurred_at DESC, id DESC) INCLUDE (type, actor_user_id) WHERE client_id IS NOT NULL;

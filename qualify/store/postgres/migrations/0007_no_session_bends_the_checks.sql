-- qualify schema 7: no session of a teammate's bends the server's checks or stalls the
-- others: the checks run the same whatever objects a session made for itself, and a
-- snapshot written but not committed blocks nobody else.
-- Self-contained: needs only schema 6.
-- Runs inside one transaction with search_path = qualify (see migrate.py).

-- ---------------------------------------------------------------- 1. snapshots
-- One copy per set version and login, not one per set version: a snapshot is stored
-- under a unique key, and a second INSERT of a key that another transaction has
-- written but not committed waits for that transaction. So a manager who inserted the
-- next version of a set and kept her transaction open (any login can) stalled every
-- teammate who started an interview with it, whatever their territory. Each copy is
-- checked against its hash (snapshot_matches_its_hash), so all copies of a hash are the
-- same set; the server says whose copy each is, so a login only ever waits for itself.
ALTER TABLE snapshots ADD COLUMN added_by name NOT NULL DEFAULT current_user;
ALTER TABLE snapshots DROP CONSTRAINT snapshots_pkey;
CREATE UNIQUE INDEX snapshot_copies ON snapshots (hash, added_by);

CREATE FUNCTION snapshot_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.added_by := current_user;
    NEW.created_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER snapshots_added BEFORE INSERT ON snapshots
    FOR EACH ROW EXECUTE FUNCTION snapshot_added();

-- ---------------------------------------------------------------- 2. interviews
-- An interview's status is in its JSON, where qualify reads a missing one as "in
-- progress" while the one-open-interview index (schema 3) saw no open interview: so a
-- row written by hand without a status was a second open interview of the stage. The
-- status must now be one qualify knows. A stored row without one (or with another)
-- gets "in progress", as qualify read it, unless its stage has an open interview
-- already (then "complete": the stage is no longer split).
WITH missing AS (
    SELECT i.id,
           EXISTS (SELECT 1 FROM interviews o
                   WHERE o.prospect_id = i.prospect_id AND o.doc->>'stage' = i.doc->>'stage'
                     AND o.doc->>'status' = 'in_progress'
                     AND coalesce(o.doc->>'merged_into', '') = '') AS has_open,
           row_number() OVER (PARTITION BY i.prospect_id, i.doc->>'stage' ORDER BY i.seq) AS n
    FROM interviews i WHERE coalesce(i.doc->>'status', '') NOT IN ('in_progress', 'complete')
)
UPDATE interviews t
    SET doc = t.doc || jsonb_build_object(
        'status', CASE WHEN m.has_open OR m.n > 1 THEN 'complete' ELSE 'in_progress' END)
    FROM missing m WHERE t.id = m.id;
ALTER TABLE interviews ADD CONSTRAINT interview_status_known
    CHECK (coalesce(doc->>'status', '') IN ('in_progress', 'complete'));

-- The checks that a record's JSON agrees with its columns (schema 3) let a JSON
-- without those keys through (a comparison with NULL is no violation): an interview
-- written by hand without its ids then made every list that showed its prospect fail.
-- The keys must now be there. (What else a record needs, only qualify can tell: a
-- reader leaves out, and names, a prospect whose records it cannot read.)
ALTER TABLE prospects ADD CONSTRAINT prospect_doc_complete CHECK (
    coalesce(doc->>'id', '') = id AND coalesce(doc->>'territory', '') = territory
    AND coalesce(doc->>'name', '') = name AND coalesce(doc->>'stage', '') = stage
    AND coalesce(doc->>'status', '') = status) NOT VALID;
ALTER TABLE interviews ADD CONSTRAINT interview_doc_complete CHECK (
    coalesce(doc->>'id', '') = id AND coalesce(doc->>'prospect_id', '') = prospect_id)
    NOT VALID;
ALTER TABLE answers ADD CONSTRAINT answer_doc_complete
    CHECK (coalesce(doc->>'question_id', '') = question_id) NOT VALID;
ALTER TABLE history ADD CONSTRAINT history_doc_complete CHECK (
    coalesce(doc->>'id', '') = id AND coalesce(doc->>'prospect_id', '') = prospect_id)
    NOT VALID;

-- ---------------------------------------------------------------- 3. search path
-- A function body is looked up by name in the session that runs it, under that
-- session's search_path, and every login may create temporary objects, which a
-- search_path that does not name pg_temp searches FIRST for tables, views and types.
-- So a teammate could `CREATE TEMP VIEW pg_roles AS SELECT …, true AS rolsuper …` and
-- pass for the schema owner (a forged list row was then vouched for), or `CREATE
-- DOMAIN pg_temp.text AS varchar(3)` and change what snapshot_hash() computes in her
-- own session. Every function of the schema now runs with pg_catalog first and pg_temp
-- last; their bodies name qualify's own objects in full, as before. (The two that
-- already set a search_path, as SECURITY DEFINER functions must, list pg_temp last.)
-- Functions added by later migrations say `SET search_path = pg_catalog, pg_temp`
-- themselves; a test checks every function of the schema for it.
DO $$
DECLARE
    f record;
BEGIN
    FOR f IN SELECT p.oid::regprocedure AS signature
             FROM pg_catalog.pg_proc p
             JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'qualify' AND p.prokind = 'f' AND p.proconfig IS NULL
    LOOP
        EXECUTE pg_catalog.format('ALTER FUNCTION %s SET search_path = pg_catalog, pg_temp',
                                  f.signature);
    END LOOP;
END
$$;

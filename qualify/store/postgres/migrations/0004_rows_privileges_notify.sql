-- qualify schema 4: list rows nobody can pass off as the records', a team role that
-- cannot stall the others, territories only for people, and change notifications.
-- Self-contained: needs only schema 3.
-- Runs inside one transaction with search_path = qualify (see migrate.py).

-- ---------------------------------------------------------------- 3. list rows
-- The row's facts (name, territory, kind, stage, status) are copied from the prospect
-- by the server. Its figures (score, band, knock-out, coverage, last activity) come
-- from qualify's scoring, which only a client runs, so the server cannot check them.
-- Instead it records, unforgeably, which transaction last changed anything of a
-- prospect (its facts, row, interviews, answers or history: the children "touch" the
-- prospect) and who that was (recorded_by). A row is vouched for when the schema
-- owner's own qualify wrote it in that same transaction (`qualify db verify`, or any
-- write of the owner's, which recomputes the row); every other row changed by someone
-- else is recomputed by the reader's qualify from the records before it is shown.
ALTER TABLE prospects ADD COLUMN changed_xact xid8, ADD COLUMN checked_xact xid8;

CREATE FUNCTION is_schema_owner() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner
                   WHERE n.nspname = 'qualify' AND r.rolname = current_user)
        OR EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = current_user AND r.rolsuper)
$$;

CREATE FUNCTION prospect_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.changed_xact := pg_current_xact_id();
    IF qualify.is_schema_owner() THEN
        NEW.checked_xact := NEW.changed_xact;
    ELSIF TG_OP = 'UPDATE' THEN
        NEW.checked_xact := OLD.checked_xact;
    ELSE
        NEW.checked_xact := NULL;
    END IF;
    NEW.s_name := NEW.name;
    NEW.s_territory := NEW.territory;
    NEW.s_kind := coalesce(NEW.doc->>'kind', 'other');
    NEW.s_stage := NEW.stage;
    NEW.s_status := NEW.status;
    RETURN NEW;
END
$$;
CREATE TRIGGER prospects_changed BEFORE INSERT OR UPDATE ON prospects
    FOR EACH ROW EXECUTE FUNCTION prospect_changed();

-- Runs as the writer (whose policies let it change the prospect whose records it
-- writes): one UPDATE per statement, which prospect_changed() stamps.
CREATE FUNCTION touch_prospects() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE qualify.prospects SET changed_xact = NULL
        WHERE id IN (SELECT DISTINCT prospect_id FROM changed);
    RETURN NULL;
END
$$;
CREATE TRIGGER interviews_added AFTER INSERT ON interviews
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION touch_prospects();
CREATE TRIGGER interviews_updated AFTER UPDATE ON interviews
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION touch_prospects();
CREATE TRIGGER answers_added AFTER INSERT ON answers
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION touch_prospects();
CREATE TRIGGER answers_updated AFTER UPDATE ON answers
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION touch_prospects();
CREATE TRIGGER history_added AFTER INSERT ON history
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION touch_prospects();

-- Rows the owner wrote are vouched for now; the others are checked by `qualify db
-- upgrade` right after this migration (or by the next reader).
UPDATE prospects SET changed_xact = NULL WHERE recorded_by = current_user;

-- ---------------------------------------------------------------- 7. notifications
-- After every committed change of a prospect: NOTIFY qualify_changes with the first
-- 16 hex digits of the SHA-256 of each changed prospect's id (a listener recognises
-- the prospects it can see; the ids of the others are not given away), or '*' for a
-- bulk change.
CREATE FUNCTION notify_changes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n integer;
    payload text;
BEGIN
    SELECT count(DISTINCT id),
           string_agg(DISTINCT left(encode(sha256(convert_to(id, 'UTF8')), 'hex'), 16), ',')
        INTO n, payload FROM changed;
    IF n > 0 THEN
        PERFORM pg_notify('qualify_changes', CASE WHEN n > 200 THEN '*' ELSE payload END);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER prospects_added_notify AFTER INSERT ON prospects
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_changes();
CREATE TRIGGER prospects_updated_notify AFTER UPDATE ON prospects
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_changes();

-- ---------------------------------------------------------------- 6. privileges
-- Column privileges instead of table-wide UPDATE: the same writes, but LOCK TABLE needs
-- a table-wide UPDATE, DELETE or TRUNCATE for its stronger modes, so a team login can
-- take at most ROW EXCLUSIVE (what every INSERT takes), which stalls nobody.
REVOKE UPDATE ON prospects, interviews, answers FROM qualify_team;
GRANT UPDATE (territory, name, stage, status, created_at, updated_at, doc,
              s_name, s_territory, s_kind, s_stage, s_status, s_score, s_band,
              s_knocked_out, s_coverage, s_updated_at, changed_xact)
    ON prospects TO qualify_team;
GRANT UPDATE (started_at, doc) ON interviews TO qualify_team;
GRANT UPDATE (doc) ON answers TO qualify_team;
GRANT EXECUTE ON FUNCTION is_schema_owner(), canonical_json(jsonb), json_string(text),
    json_number(numeric), snapshot_hash(jsonb) TO qualify_team;

-- Territories and the director role count only for logins: a group role (qualify_team
-- itself, which any member may SET ROLE to) is never anybody's way in.
CREATE OR REPLACE FUNCTION is_director() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM qualify.team_directors d JOIN pg_roles r ON r.rolname = d.login
                   WHERE d.login = current_user AND r.rolcanlogin)
$$;
CREATE OR REPLACE FUNCTION is_writing_director() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM qualify.team_directors d JOIN pg_roles r ON r.rolname = d.login
                   WHERE d.login = current_user AND NOT d.read_only AND r.rolcanlogin)
$$;
CREATE OR REPLACE FUNCTION my_territories() RETURNS SETOF text LANGUAGE sql STABLE AS $$
    SELECT t.territory FROM qualify.team_territories t JOIN pg_roles r ON r.rolname = t.login
    WHERE t.login = current_user AND r.rolcanlogin
$$;
DELETE FROM team_territories t
    WHERE NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = t.login AND r.rolcanlogin);
DELETE FROM team_directors d
    WHERE NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = d.login AND r.rolcanlogin);

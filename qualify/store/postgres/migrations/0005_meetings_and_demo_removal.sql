-- qualify schema 5: the next meeting in the list row, and the removal of demo data.
-- Runs inside one transaction with search_path = qualify (see migrate.py).

-- ---------------------------------------------------------------- next meetings
-- The day of the prospect's next meeting (ProspectSummary.next_meeting): the list sorts
-- and filters by it, and `qualify agenda --due` reads only the prospects that have one.
ALTER TABLE prospects ADD COLUMN s_next_meeting date;
-- Written like the other figures of the row (schema 4's column privileges): a row that
-- someone else changed is recomputed by the reader, next meeting included.
GRANT UPDATE (s_next_meeting) ON prospects TO qualify_team;

-- ---------------------------------------------------------------- demo data
-- History and the answer log stay append-only for everyone; the one exception is
-- remove_demo_prospect() below, which marks its transaction while it deletes.
CREATE OR REPLACE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.prospect_id = current_setting('qualify.removing_demo', true)
    THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only: its rows are never changed or removed', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

-- Deletes a prospect made by `qualify demo` (id starting with "demo", still tagged
-- "demo") with everything recorded about it; false when there is no such prospect.
-- Runs with the schema owner's rights, so it checks the caller (session_user) itself:
-- a writing director, or someone granted the prospect's territory.
CREATE FUNCTION remove_demo_prospect(p_id text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = qualify, pg_temp AS $$
DECLARE
    target qualify.prospects%ROWTYPE;
BEGIN
    SELECT * INTO target FROM qualify.prospects WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    IF NOT (EXISTS (SELECT 1 FROM qualify.team_directors d
                    WHERE d.login = session_user AND NOT d.read_only)
            OR EXISTS (SELECT 1 FROM qualify.team_territories t
                       WHERE t.login = session_user AND t.territory = target.territory)) THEN
        RAISE EXCEPTION 'permission denied: % may not change prospects of territory %',
            session_user, target.territory USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT (target.id LIKE 'demo%' AND coalesce((target.doc -> 'tags') ? 'demo', false)) THEN
        RAISE EXCEPTION 'prospect % is not demo data: only prospects made by qualify demo (and still tagged demo) can be removed', p_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM set_config('qualify.removing_demo', p_id, true);
    DELETE FROM qualify.answer_log WHERE prospect_id = p_id;
    DELETE FROM qualify.answers WHERE prospect_id = p_id;
    DELETE FROM qualify.history WHERE prospect_id = p_id;
    DELETE FROM qualify.interviews WHERE prospect_id = p_id;
    DELETE FROM qualify.prospects WHERE id = p_id;
    PERFORM set_config('qualify.removing_demo', '', true);
    RETURN true;
END
$$;
REVOKE ALL ON FUNCTION remove_demo_prospect(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION remove_demo_prospect(text) TO qualify_team;

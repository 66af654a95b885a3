-- qualify schema 9: the prospects list read from one index, never from the records,
-- and row-level security checks that cost microseconds, not a millisecond, per row.
-- Self-contained: needs only schema 7 (schema 8, if any, touches other tables).
-- Runs inside one transaction with search_path = qualify (see migrate.py).

-- ---------------------------------------------------------------- 1. the list index
-- Listing 100,000 prospects read the whole prospects table (mostly the records' JSON)
-- and sorted it. The list index now holds every column the list shows, and those the
-- row-level security policies and the vouching (schema 4) look at, so the list is an
-- index-only scan in its own order; a reader that listed before asks for the change
-- stamps alone (see qualify/store/postgres/listing.py).
DROP INDEX prospects_list;
CREATE INDEX prospects_list ON prospects (s_updated_at DESC, id)
    INCLUDE (territory, s_name, s_territory, s_kind, s_stage, s_status, s_score, s_band,
             s_knocked_out, s_coverage, s_next_meeting, recorded_by, changed_xact,
             checked_xact);

-- ---------------------------------------------------------------- 2. the checks
-- Since schema 7 every function sets its search_path, and a SQL function with a SET
-- clause is never inlined: it is parsed and planned again at every call. The checks
-- of every interview, answer and history row (can_see_prospect, per row) read the
-- prospect under its own policy, which calls is_director() and my_territories(): two
-- SQL functions planned afresh per row, about a millisecond (reading one prospect's
-- records took 64 ms for 55 answers). The same bodies in PL/pgSQL keep their plans
-- for the session. Same names, same results, same search_path; the grants stay.
CREATE OR REPLACE FUNCTION is_director() RETURNS boolean LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM qualify.team_directors d JOIN pg_roles r ON r.rolname = d.login
                   WHERE d.login = current_user AND r.rolcanlogin);
END
$$;
CREATE OR REPLACE FUNCTION is_writing_director() RETURNS boolean LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM qualify.team_directors d JOIN pg_roles r ON r.rolname = d.login
                   WHERE d.login = current_user AND NOT d.read_only AND r.rolcanlogin);
END
$$;
CREATE OR REPLACE FUNCTION my_territories() RETURNS SETOF text LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN QUERY SELECT t.territory FROM qualify.team_territories t
        JOIN pg_roles r ON r.rolname = t.login
        WHERE t.login = current_user AND r.rolcanlogin;
END
$$;
-- Called by the trigger on every change of a prospect (schema 4).
CREATE OR REPLACE FUNCTION is_schema_owner() RETURNS boolean LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner
                   WHERE n.nspname = 'qualify' AND r.rolname = current_user)
        OR EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = current_user AND r.rolsuper);
END
$$;

-- qualify schema 2: people and their territories, row-level security, who changed what,
-- and an append-only log of every answer ever recorded.
-- Runs inside one transaction with search_path = qualify (see migrate.py).

-- ---------------------------------------------------------------- people
CREATE TABLE team_territories (
    login name NOT NULL,
    territory text NOT NULL,
    granted_by name NOT NULL DEFAULT current_user,
    granted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (login, territory)
);
CREATE TABLE team_directors (
    login name PRIMARY KEY,
    read_only boolean NOT NULL DEFAULT false,
    granted_by name NOT NULL DEFAULT current_user,
    granted_at timestamptz NOT NULL DEFAULT now()
);

-- Function bodies name their tables in full: they run under the caller's search_path.
-- Policies call them as uncorrelated subqueries, so each runs once per query, not per row.
CREATE FUNCTION is_director() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM qualify.team_directors d WHERE d.login = current_user)
$$;
CREATE FUNCTION is_writing_director() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM qualify.team_directors d
                   WHERE d.login = current_user AND NOT d.read_only)
$$;
CREATE FUNCTION my_territories() RETURNS SETOF text LANGUAGE sql STABLE AS $$
    SELECT t.territory FROM qualify.team_territories t WHERE t.login = current_user
$$;
-- Whether the caller may see / change this prospect's records. PL/pgSQL, so the planner
-- never turns them into a scan of every prospect: each is one index lookup per row, and
-- the prospects table's own policy applies inside.
CREATE FUNCTION can_see_prospect(prospect text) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM qualify.prospects p WHERE p.id = $1);
END
$$;
CREATE FUNCTION can_write_prospect(prospect text) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM qualify.prospects p
                   WHERE p.id = $1
                     AND (qualify.is_writing_director()
                          OR p.territory IN (SELECT qualify.my_territories())));
END
$$;

-- ---------------------------------------------------------------- who did it
-- Set by the server from the login, whatever the client sends: cannot be forged.
ALTER TABLE prospects ADD COLUMN recorded_by name NOT NULL DEFAULT current_user,
                      ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE interviews ADD COLUMN recorded_by name NOT NULL DEFAULT current_user,
                       ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE answers ADD COLUMN recorded_by name NOT NULL DEFAULT current_user,
                    ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE history ADD COLUMN recorded_by name NOT NULL DEFAULT current_user,
                    ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now();

CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.recorded_by := current_user;
    NEW.recorded_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER prospects_stamp BEFORE INSERT OR UPDATE ON prospects
    FOR EACH ROW EXECUTE FUNCTION stamp();
CREATE TRIGGER interviews_stamp BEFORE INSERT OR UPDATE ON interviews
    FOR EACH ROW EXECUTE FUNCTION stamp();
CREATE TRIGGER answers_stamp BEFORE INSERT OR UPDATE ON answers
    FOR EACH ROW EXECUTE FUNCTION stamp();
CREATE TRIGGER history_stamp BEFORE INSERT ON history
    FOR EACH ROW EXECUTE FUNCTION stamp();

-- ---------------------------------------------------------------- answer log
-- Every version of every answer, in the order the server accepted them: when two
-- people answer the same question at once, the later one is current and the earlier
-- one is still here.
CREATE TABLE answer_log (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    interview_id text NOT NULL REFERENCES interviews (id),
    question_id text NOT NULL,
    prospect_id text NOT NULL REFERENCES prospects (id),
    doc jsonb NOT NULL,
    recorded_by name NOT NULL DEFAULT current_user,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX answer_log_interview ON answer_log (interview_id, question_id);
CREATE INDEX answer_log_prospect ON answer_log (prospect_id);
INSERT INTO answer_log (interview_id, question_id, prospect_id, doc, recorded_by, recorded_at)
    SELECT interview_id, question_id, prospect_id, doc, recorded_by, recorded_at
    FROM answers ORDER BY seq;

CREATE FUNCTION log_answer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.doc = OLD.doc THEN
        RETURN NULL;
    END IF;
    INSERT INTO qualify.answer_log (interview_id, question_id, prospect_id, doc)
        VALUES (NEW.interview_id, NEW.question_id, NEW.prospect_id, NEW.doc);
    RETURN NULL;
END
$$;
CREATE TRIGGER answers_log AFTER INSERT OR UPDATE ON answers
    FOR EACH ROW EXECUTE FUNCTION log_answer();
CREATE TRIGGER answer_log_append_only BEFORE UPDATE OR DELETE ON answer_log
    FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER answer_log_stamp BEFORE INSERT ON answer_log
    FOR EACH ROW EXECUTE FUNCTION stamp();

-- ---------------------------------------------------------------- privileges
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'qualify_team') THEN
        CREATE ROLE qualify_team NOLOGIN;
    END IF;
END
$$;
GRANT USAGE ON SCHEMA qualify TO qualify_team;
GRANT SELECT, INSERT, UPDATE ON prospects, interviews, answers TO qualify_team;
GRANT SELECT, INSERT ON history, answer_log, snapshots TO qualify_team;
GRANT SELECT ON team_territories, team_directors, schema_version TO qualify_team;
GRANT EXECUTE ON FUNCTION is_director(), is_writing_director(), my_territories(),
    can_see_prospect(text), can_write_prospect(text) TO qualify_team;

-- ---------------------------------------------------------------- row-level security
-- The schema's owner (who runs `qualify db upgrade`) is not subject to these; every
-- person uses their own login, which is.
ALTER TABLE prospects ENABLE ROW LEVEL SECURITY;
CREATE POLICY see ON prospects FOR SELECT
    USING ((SELECT is_director()) OR territory IN (SELECT my_territories()));
CREATE POLICY add ON prospects FOR INSERT
    WITH CHECK ((SELECT is_writing_director()) OR territory IN (SELECT my_territories()));
CREATE POLICY change ON prospects FOR UPDATE
    USING ((SELECT is_writing_director()) OR territory IN (SELECT my_territories()))
    WITH CHECK ((SELECT is_writing_director()) OR territory IN (SELECT my_territories()));

ALTER TABLE interviews ENABLE ROW LEVEL SECURITY;
CREATE POLICY see ON interviews FOR SELECT
    USING (can_see_prospect(prospect_id));
CREATE POLICY add ON interviews FOR INSERT WITH CHECK (can_write_prospect(prospect_id));
CREATE POLICY change ON interviews FOR UPDATE
    USING (can_write_prospect(prospect_id)) WITH CHECK (can_write_prospect(prospect_id));

ALTER TABLE answers ENABLE ROW LEVEL SECURITY;
CREATE POLICY see ON answers FOR SELECT
    USING (can_see_prospect(prospect_id));
CREATE POLICY add ON answers FOR INSERT WITH CHECK (can_write_prospect(prospect_id));
CREATE POLICY change ON answers FOR UPDATE
    USING (can_write_prospect(prospect_id)) WITH CHECK (can_write_prospect(prospect_id));

ALTER TABLE answer_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY see ON answer_log FOR SELECT
    USING (can_see_prospect(prospect_id));
CREATE POLICY add ON answer_log FOR INSERT WITH CHECK (can_write_prospect(prospect_id));

ALTER TABLE history ENABLE ROW LEVEL SECURITY;
CREATE POLICY see ON history FOR SELECT
    USING (can_see_prospect(prospect_id));
CREATE POLICY add ON history FOR INSERT WITH CHECK (can_write_prospect(prospect_id));

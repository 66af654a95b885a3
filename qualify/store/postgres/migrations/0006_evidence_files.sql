-- qualify schema 6: evidence files attached to a prospect's answers (issue 15).
--   * attachment_files holds each file's bytes once per prospect, under its SHA-256,
--     which the server checks against the bytes;
--   * attachments holds the records (which question, name, size, hash, note, who, when);
--   * both follow the prospect's row-level security, like its history: whoever may see
--     the prospect may see them, whoever may change it may add to them; nobody changes
--     or removes a row (a newer file for the same question supersedes the older one,
--     which stays), except remove_demo_prospect() for demo data.
-- Runs inside one transaction with search_path = qualify (see migrate.py).

CREATE TABLE attachment_files (
    prospect_id text NOT NULL REFERENCES prospects (id),
    sha256 text NOT NULL,
    size bigint NOT NULL,
    content bytea NOT NULL,
    recorded_by name NOT NULL DEFAULT current_user,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (prospect_id, sha256),
    CONSTRAINT file_matches_its_hash
        CHECK (sha256 = encode(sha256(content), 'hex') AND size = octet_length(content)
               AND size > 0)
);

CREATE TABLE attachments (
    id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$'),
    prospect_id text NOT NULL REFERENCES prospects (id),
    sha256 text NOT NULL,
    at timestamptz NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    doc jsonb NOT NULL,                      -- the Attachment record
    recorded_by name NOT NULL DEFAULT current_user,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (prospect_id, sha256) REFERENCES attachment_files (prospect_id, sha256),
    CONSTRAINT attachment_doc_matches CHECK (
        doc->>'id' = id AND doc->>'prospect_id' = prospect_id AND doc->>'sha256' = sha256
        AND (doc->>'size')::bigint > 0)
);
CREATE INDEX attachments_prospect ON attachments (prospect_id, at, seq);

CREATE TRIGGER attachment_files_append_only BEFORE UPDATE OR DELETE ON attachment_files
    FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER attachments_append_only BEFORE UPDATE OR DELETE ON attachments
    FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER attachment_files_stamp BEFORE INSERT ON attachment_files
    FOR EACH ROW EXECUTE FUNCTION stamp();
CREATE TRIGGER attachments_stamp BEFORE INSERT ON attachments
    FOR EACH ROW EXECUTE FUNCTION stamp();
-- `by` is the login that attached the file, whatever the client sent (schema 3).
CREATE TRIGGER attachments_author BEFORE INSERT ON attachments
    FOR EACH ROW EXECUTE FUNCTION author();
-- A new attachment is a change of the prospect: watchers hear of it (schema 4).
CREATE TRIGGER attachments_added AFTER INSERT ON attachments
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION touch_prospects();

GRANT SELECT, INSERT ON attachment_files, attachments TO qualify_team;

ALTER TABLE attachment_files ENABLE ROW LEVEL SECURITY;
CREATE POLICY see ON attachment_files FOR SELECT USING (can_see_prospect(prospect_id));
CREATE POLICY add ON attachment_files FOR INSERT WITH CHECK (can_write_prospect(prospect_id));
ALTER TABLE attachments ENABLE ROW LEVEL SECURITY;
CREATE POLICY see ON attachments FOR SELECT USING (can_see_prospect(prospect_id));
CREATE POLICY add ON attachments FOR INSERT WITH CHECK (can_write_prospect(prospect_id));

-- Demo data goes with its evidence files (schema 5's function, which now knows them).
CREATE OR REPLACE FUNCTION remove_demo_prospect(p_id text) RETURNS boolean
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
    DELETE FROM qualify.attachments WHERE prospect_id = p_id;
    DELETE FROM qualify.attachment_files WHERE prospect_id = p_id;
    DELETE FROM qualify.answer_log WHERE prospect_id = p_id;
    DELETE FROM qualify.answers WHERE prospect_id = p_id;
    DELETE FROM qualify.history WHERE prospect_id = p_id;
    DELETE FROM qualify.interviews WHERE prospect_id = p_id;
    DELETE FROM qualify.prospects WHERE id = p_id;
    PERFORM set_config('qualify.removing_demo', '', true);
    RETURN true;
END
$$;

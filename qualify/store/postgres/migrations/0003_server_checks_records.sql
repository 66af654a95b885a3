-- qualify schema 3: the server checks what it stores, whoever writes it (issue 16).
--   * a question-set snapshot is stored only if its content hashes to its key, computed
--     here over the same canonical JSON qualify hashes (content_hash);
--   * an answer's (and an answer-log or history entry's) interview belongs to its
--     prospect; a record's JSON agrees with the columns row-level security reads;
--   * at most one open interview per prospect and stage;
--   * the author of every record is the login that wrote it.
-- Rows that break these rules are moved to `quarantine` (readable by the schema owner
-- only), never silently dropped. Self-contained: needs only schema 2.
-- Runs inside one transaction with search_path = qualify (see migrate.py).

CREATE TABLE quarantine (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    from_table text NOT NULL,
    reason text NOT NULL,
    row_data jsonb NOT NULL,
    moved_at timestamptz NOT NULL DEFAULT now(),
    moved_by name NOT NULL DEFAULT current_user
);

-- ---------------------------------------------------------------- 1. snapshots
-- Python's json.dumps(value, sort_keys=True, separators=(",", ":")) (ensure_ascii on),
-- rebuilt from jsonb: keys in code-point order, non-ASCII as \uXXXX (surrogate pairs
-- beyond the BMP), numbers as Python writes them (a number with a decimal point is a
-- float: repr's shortest form; one without is an int). Function bodies name their
-- schema: they also run in pg_restore, under an empty search_path.
CREATE FUNCTION json_string(s text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    quoted text := to_json(s)::text;   -- escapes " \ and control characters as Python does
    result text := '';
    c text;
    code integer;
BEGIN
    IF quoted !~ '[^ -~]' THEN
        RETURN quoted;
    END IF;
    FOREACH c IN ARRAY regexp_split_to_array(quoted, '') LOOP
        code := ascii(c);
        IF code BETWEEN 32 AND 126 THEN
            result := result || c;
        ELSIF code < 65536 THEN
            result := result || '\u' || lpad(to_hex(code), 4, '0');
        ELSE
            code := code - 65536;
            result := result || '\u' || to_hex(55296 + (code >> 10))
                             || '\u' || to_hex(56320 + (code & 1023));
        END IF;
    END LOOP;
    RETURN result;
END
$$;

CREATE FUNCTION json_number(n numeric) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    t text := abs(n)::text;
    sign text := CASE WHEN n < 0 THEN '-' ELSE '' END;
    whole text;
    frac text;
    digits text;
    exp10 integer;
BEGIN
    IF position('.' IN t) = 0 THEN
        RETURN n::text;                                     -- an int
    END IF;
    whole := ltrim(split_part(t, '.', 1), '0');
    frac := rtrim(split_part(t, '.', 2), '0');
    IF whole = '' AND frac = '' THEN
        RETURN sign || '0.0';
    END IF;
    IF whole <> '' THEN
        exp10 := length(whole) - 1;
    ELSE
        exp10 := -(length(frac) - length(ltrim(frac, '0')) + 1);
    END IF;
    IF exp10 BETWEEN -4 AND 15 THEN                         -- repr: 0.0001 … 1e16
        RETURN sign || coalesce(nullif(whole, ''), '0') || '.' || coalesce(nullif(frac, ''), '0');
    END IF;
    digits := rtrim(ltrim(whole || frac, '0'), '0');
    RETURN sign || left(digits, 1)
        || CASE WHEN length(digits) > 1 THEN '.' || substr(digits, 2) ELSE '' END
        || 'e' || CASE WHEN exp10 < 0 THEN '-' ELSE '+' END
        || CASE WHEN abs(exp10) < 10 THEN '0' ELSE '' END || abs(exp10)::text;
END
$$;

CREATE FUNCTION canonical_json(j jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
    CASE jsonb_typeof(j)
    WHEN 'object' THEN
        RETURN '{' || coalesce((
            SELECT string_agg(qualify.json_string(e.key) || ':' || qualify.canonical_json(e.value),
                              ',' ORDER BY e.key COLLATE "C")
            FROM jsonb_each(j) AS e), '') || '}';
    WHEN 'array' THEN
        RETURN '[' || coalesce((
            SELECT string_agg(qualify.canonical_json(e.value), ',' ORDER BY e.n)
            FROM jsonb_array_elements(j) WITH ORDINALITY AS e(value, n)), '') || ']';
    WHEN 'string' THEN
        RETURN qualify.json_string(j #>> '{}');
    WHEN 'number' THEN
        RETURN qualify.json_number((j #>> '{}')::numeric);
    WHEN 'boolean' THEN
        RETURN j #>> '{}';
    ELSE
        RETURN 'null';
    END CASE;
END
$$;

-- qualify.core.questionnaire.content_hash: the first 24 hex digits of the SHA-256.
CREATE FUNCTION snapshot_hash(question_set jsonb) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT left(encode(sha256(convert_to(qualify.canonical_json(question_set), 'UTF8')), 'hex'), 24)
$$;

WITH moved AS (
    DELETE FROM snapshots WHERE hash IS DISTINCT FROM snapshot_hash(question_set) RETURNING *
)
INSERT INTO quarantine (from_table, reason, row_data)
    SELECT 'snapshots', 'its content does not hash to its key', to_jsonb(moved) FROM moved;
ALTER TABLE snapshots ADD CONSTRAINT snapshot_matches_its_hash
    CHECK (hash = snapshot_hash(question_set));

-- ---------------------------------------------------------------- 2. integrity
-- The JSON of a record agrees with the columns that policies and joins read; the
-- columns win (row-level security decided on them).
UPDATE prospects SET doc = doc || jsonb_build_object(
        'id', id, 'territory', territory, 'name', name, 'stage', stage, 'status', status)
    WHERE doc->>'id' IS DISTINCT FROM id OR doc->>'territory' IS DISTINCT FROM territory
       OR doc->>'name' IS DISTINCT FROM name OR doc->>'stage' IS DISTINCT FROM stage
       OR doc->>'status' IS DISTINCT FROM status;
ALTER TABLE prospects ADD CONSTRAINT prospect_doc_matches CHECK (
    doc->>'id' = id AND doc->>'territory' = territory AND doc->>'name' = name
    AND doc->>'stage' = stage AND doc->>'status' = status);

UPDATE interviews SET doc = doc || jsonb_build_object('id', id, 'prospect_id', prospect_id)
    WHERE doc->>'id' IS DISTINCT FROM id OR doc->>'prospect_id' IS DISTINCT FROM prospect_id;
ALTER TABLE interviews ADD CONSTRAINT interview_doc_matches CHECK (
    doc->>'id' = id AND doc->>'prospect_id' = prospect_id);
ALTER TABLE interviews ADD CONSTRAINT interview_of_prospect UNIQUE (id, prospect_id);

-- An answer whose interview belongs to another prospect (written past the old policies,
-- which checked the prospect only) is quarantined.
WITH moved AS (
    DELETE FROM answers a WHERE NOT EXISTS (
        SELECT 1 FROM interviews i WHERE i.id = a.interview_id AND i.prospect_id = a.prospect_id)
    RETURNING a.*
)
INSERT INTO quarantine (from_table, reason, row_data)
    SELECT 'answers', 'its interview belongs to another prospect', to_jsonb(moved) FROM moved;
ALTER TABLE answers ADD CONSTRAINT answer_interview_of_prospect
    FOREIGN KEY (interview_id, prospect_id) REFERENCES interviews (id, prospect_id);
UPDATE answers SET doc = doc || jsonb_build_object('question_id', question_id)
    WHERE doc->>'question_id' IS DISTINCT FROM question_id;
ALTER TABLE answers ADD CONSTRAINT answer_doc_matches CHECK (doc->>'question_id' = question_id);

-- Append-only tables keep what they hold; every new row is checked.
ALTER TABLE answer_log ADD CONSTRAINT logged_interview_of_prospect
    FOREIGN KEY (interview_id, prospect_id) REFERENCES interviews (id, prospect_id) NOT VALID;
ALTER TABLE history ADD CONSTRAINT history_doc_matches CHECK (
    doc->>'id' = id AND doc->>'prospect_id' = prospect_id) NOT VALID;
-- A history entry that names an interview (a merge conflict) names one of its prospect's.
ALTER TABLE history ADD COLUMN interview_id text
    GENERATED ALWAYS AS (coalesce(doc #>> '{details,conflict,interview_id}',
                                  doc #>> '{details,merged,from}')) STORED;
ALTER TABLE history ADD CONSTRAINT history_interview_of_prospect
    FOREIGN KEY (interview_id, prospect_id) REFERENCES interviews (id, prospect_id) NOT VALID;

-- At most one open interview per prospect and stage: "get or create" is an INSERT …
-- ON CONFLICT on this index. Interviews split before it existed (two people starting
-- a stage at once) are merged into the first: its missing answers copied from the
-- others, which are marked merged (scoring skips them) and keep everything they hold.
DO $$
DECLARE
    dup record;
    differing text[];
BEGIN
    FOR dup IN
        SELECT i.id, i.prospect_id, i.doc->>'stage' AS stage, first.id AS into_id
        FROM interviews i
        CROSS JOIN LATERAL (
            SELECT f.id FROM interviews f
            WHERE f.prospect_id = i.prospect_id AND f.doc->>'stage' = i.doc->>'stage'
              AND f.doc->>'status' = 'in_progress' AND coalesce(f.doc->>'merged_into', '') = ''
            ORDER BY f.started_at, f.seq LIMIT 1) AS first
        WHERE i.doc->>'status' = 'in_progress' AND coalesce(i.doc->>'merged_into', '') = ''
          AND i.id <> first.id
    LOOP
        INSERT INTO answers (interview_id, question_id, prospect_id, doc)
            SELECT dup.into_id, a.question_id, a.prospect_id, a.doc FROM answers a
            WHERE a.interview_id = dup.id
            ON CONFLICT (interview_id, question_id) DO NOTHING;
        SELECT array_agg(a.question_id ORDER BY a.question_id) INTO differing
            FROM answers a JOIN answers b ON b.interview_id = dup.into_id
                                        AND b.question_id = a.question_id
            WHERE a.interview_id = dup.id
              AND (a.doc - 'answered_at' - 'by') IS DISTINCT FROM (b.doc - 'answered_at' - 'by');
        UPDATE interviews SET doc = doc || jsonb_build_object('merged_into', dup.into_id)
            WHERE id = dup.id;
        INSERT INTO history (id, prospect_id, at, doc) VALUES (
            'u' || left(md5(dup.id || '>' || dup.into_id), 11), dup.prospect_id, now(),
            jsonb_build_object(
                'id', 'u' || left(md5(dup.id || '>' || dup.into_id), 11),
                'prospect_id', dup.prospect_id, 'at', now(), 'action', 'edit',
                'from_stage', dup.stage, 'to_stage', dup.stage, 'by', current_user::text,
                'reason', 'schema upgrade: merged a split interview of ' || dup.stage
                          || ' into the first one'
                          || CASE WHEN differing IS NULL THEN ''
                             ELSE '; answered differently in both (the first kept, the other '
                                  || 'still in the merged interview): '
                                  || array_to_string(differing, ', ') END,
                'details', jsonb_build_object('merged', jsonb_build_object(
                    'from', dup.id, 'into', dup.into_id,
                    'differing', to_jsonb(coalesce(differing, '{}'::text[]))))));
    END LOOP;
END
$$;
CREATE UNIQUE INDEX one_open_interview ON interviews (prospect_id, (doc->>'stage'))
    WHERE doc->>'status' = 'in_progress' AND coalesce(doc->>'merged_into', '') = '';

-- ---------------------------------------------------------------- 4. authorship
-- `by` (answers, history) and `interviewer` (interviews) are the login that wrote the
-- record, whatever the client sent; a different name the client gave (a laptop's own
-- user name, synced later) is kept as `recorded_as` ("recorded offline as …").
CREATE FUNCTION author() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    field text := CASE WHEN TG_TABLE_NAME = 'interviews' THEN 'interviewer' ELSE 'by' END;
    given text := coalesce(NEW.doc->>field, '');
BEGIN
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'interviews' THEN
        -- who took the interview does not change when someone completes it
        NEW.doc := NEW.doc || jsonb_build_object(
            'interviewer', coalesce(OLD.doc->>'interviewer', ''),
            'recorded_as', coalesce(OLD.doc->>'recorded_as', ''));
        RETURN NEW;
    END IF;
    IF given IS DISTINCT FROM current_user::text THEN
        NEW.doc := NEW.doc || jsonb_build_object(
            field, current_user::text,
            'recorded_as', CASE WHEN given = '' THEN coalesce(NEW.doc->>'recorded_as', '')
                                ELSE given END);
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER answers_author BEFORE INSERT OR UPDATE ON answers
    FOR EACH ROW EXECUTE FUNCTION author();
CREATE TRIGGER history_author BEFORE INSERT ON history
    FOR EACH ROW EXECUTE FUNCTION author();
CREATE TRIGGER interviews_author BEFORE INSERT OR UPDATE ON interviews
    FOR EACH ROW EXECUTE FUNCTION author();

-- The answer log is written by the server only (a trigger running as the schema owner),
-- with the author of the answer row: no login can add a line of its own.
CREATE OR REPLACE FUNCTION log_answer() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = qualify, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.doc = OLD.doc THEN
        RETURN NULL;
    END IF;
    INSERT INTO qualify.answer_log
        (interview_id, question_id, prospect_id, doc, recorded_by, recorded_at)
        VALUES (NEW.interview_id, NEW.question_id, NEW.prospect_id, NEW.doc,
                NEW.recorded_by, NEW.recorded_at);
    RETURN NULL;
END
$$;
DROP TRIGGER answer_log_stamp ON answer_log;
REVOKE INSERT ON answer_log FROM qualify_team;

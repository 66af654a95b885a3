-- qualify schema 1: prospects, interviews, answers as rows, append-only history, snapshots.
-- Runs inside one transaction with search_path = qualify (see migrate.py).

CREATE TABLE prospects (
    id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$'),
    territory text NOT NULL DEFAULT '',
    name text NOT NULL,
    stage text NOT NULL,
    status text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    doc jsonb NOT NULL,                      -- the Prospect record as the application wrote it
    -- What the prospects list shows (ProspectSummary), in columns so 100,000 rows list fast.
    s_name text NOT NULL,
    s_territory text NOT NULL DEFAULT '',
    s_kind text NOT NULL,
    s_stage text NOT NULL,
    s_status text NOT NULL,
    s_score double precision,
    s_band text,
    s_knocked_out boolean NOT NULL DEFAULT false,
    s_coverage double precision,
    s_updated_at timestamptz NOT NULL
);
CREATE INDEX prospects_list ON prospects (s_updated_at DESC, id);
CREATE INDEX prospects_territory ON prospects (territory);
CREATE INDEX prospects_id_prefix ON prospects (lower(id) text_pattern_ops);

CREATE TABLE snapshots (
    hash text PRIMARY KEY,
    question_set jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE interviews (
    id text PRIMARY KEY,
    prospect_id text NOT NULL REFERENCES prospects (id),
    started_at timestamptz NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    doc jsonb NOT NULL                       -- the Interview record without its answers
);
CREATE INDEX interviews_prospect ON interviews (prospect_id, started_at, seq);

-- One row per question of an interview: two people answering the same interview at
-- once each change their own rows.
CREATE TABLE answers (
    interview_id text NOT NULL REFERENCES interviews (id),
    question_id text NOT NULL,
    prospect_id text NOT NULL REFERENCES prospects (id),
    seq bigint GENERATED ALWAYS AS IDENTITY,
    doc jsonb NOT NULL,                      -- the AnswerRecord
    PRIMARY KEY (interview_id, question_id)
);
CREATE INDEX answers_prospect ON answers (prospect_id);

CREATE TABLE history (
    id text PRIMARY KEY,
    prospect_id text NOT NULL REFERENCES prospects (id),
    at timestamptz NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    doc jsonb NOT NULL                       -- the HistoryEntry
);
CREATE INDEX history_prospect ON history (prospect_id, at, seq);

CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: its rows are never changed or removed', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER history_append_only BEFORE UPDATE OR DELETE ON history
    FOR EACH ROW EXECUTE FUNCTION append_only();

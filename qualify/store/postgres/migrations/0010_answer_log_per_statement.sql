-- qualify schema 10: writing many answers at once costs half as much on the server.
--   Importing 2,000 prospects (101,030 answers) spent 9.4 s of the server's time in
--   the one statement inserting their answers, nearly all of it in per-row work:
--   4.6 s in the answer log's trigger, which inserted each answer's log line as a
--   statement of its own (the line's three foreign keys checked in it), and 2.3 s
--   checking the answer's three foreign keys, two of them implied by the third. Now
--   (same data, same machine) 4.7 s.
--
--   1. The answer log is written once per statement: every answer inserted, and every
--      answer updated to a different doc, gets its line, as before, with the same
--      author and time (the answer row's, set by the server). Still written by the
--      server only: SECURITY DEFINER, search_path with pg_temp last.
--   2. An answer (and a log line) names its interview and its prospect; the key on the
--      pair (answer_interview_of_prospect, logged_interview_of_prospect: schema 3),
--      with the interview's own key to its prospect, holds whatever the keys on each
--      column alone held. Those are dropped, the pair's kept. The log's pair key was
--      added NOT VALID (lines logged before schema 3 were not checked): it is validated
--      first, and where an old line does not hold, the log keeps its two keys.
-- Self-contained: needs only schema 7 (later schemas touch other tables).
-- Runs inside one transaction with search_path = qualify (see migrate.py).

-- ---------------------------------------------------------------- 1. the answer log
DROP TRIGGER answers_log ON answers;
DROP FUNCTION log_answer();

CREATE FUNCTION log_added_answers() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = qualify, pg_temp AS $$
BEGIN
    INSERT INTO qualify.answer_log
        (interview_id, question_id, prospect_id, doc, recorded_by, recorded_at)
        SELECT a.interview_id, a.question_id, a.prospect_id, a.doc, a.recorded_by,
               a.recorded_at
        FROM added a ORDER BY a.seq;
    RETURN NULL;
END
$$;

-- A team login may update an answer's doc only (schema 4), so an answer keeps its key;
-- a row whose key the owner changed is logged as new (no match in `was`).
CREATE FUNCTION log_changed_answers() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = qualify, pg_temp AS $$
BEGIN
    INSERT INTO qualify.answer_log
        (interview_id, question_id, prospect_id, doc, recorded_by, recorded_at)
        SELECT a.interview_id, a.question_id, a.prospect_id, a.doc, a.recorded_by,
               a.recorded_at
        FROM changed a
        LEFT JOIN was b ON b.interview_id = a.interview_id AND b.question_id = a.question_id
        WHERE b.doc IS DISTINCT FROM a.doc
        ORDER BY a.seq;
    RETURN NULL;
END
$$;

CREATE TRIGGER answers_log_added AFTER INSERT ON answers
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION log_added_answers();
CREATE TRIGGER answers_log_changed AFTER UPDATE ON answers
    REFERENCING OLD TABLE AS was NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION log_changed_answers();

-- ---------------------------------------------------------------- 2. the keys
ALTER TABLE answers DROP CONSTRAINT answers_interview_id_fkey;
ALTER TABLE answers DROP CONSTRAINT answers_prospect_id_fkey;
DO $$
BEGIN
    ALTER TABLE qualify.answer_log VALIDATE CONSTRAINT logged_interview_of_prospect;
    ALTER TABLE qualify.answer_log DROP CONSTRAINT answer_log_interview_id_fkey;
    ALTER TABLE qualify.answer_log DROP CONSTRAINT answer_log_prospect_id_fkey;
EXCEPTION WHEN foreign_key_violation THEN
    NULL;  -- an old line names an interview of another prospect: both keys stay
END
$$;

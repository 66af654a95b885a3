-- qualify schema 8: the server enforces the evidence files' size limit itself.
--   qualify refuses a file over the limit before sending it (20 MB unless the workspace
--   config says otherwise), but a teammate with her own login and raw SQL could insert a
--   file of any size into attachment_files (schema 6): the server checked its hash, not
--   its size. Now every new file is held to a limit kept in qualify.settings, a table
--   every login may read and only the schema owner (or a superuser) may change:
--
--     UPDATE qualify.settings SET value = 50 * 1024 * 1024
--         WHERE name = 'attachment_max_bytes';      -- 50 MB, from 1 byte to 1 GB
--
--   A file over it is refused with check_violation, constraint attachment_size_limit,
--   whose detail holds the limit in bytes (qualify turns it into the same one line as
--   its own check). Files kept already stay, whatever the limit says now.
-- Self-contained: needs only schema 7.
-- Runs inside one transaction with search_path = qualify (see migrate.py).

CREATE TABLE settings (
    name text PRIMARY KEY,
    value bigint NOT NULL,
    CONSTRAINT setting_known CHECK (name IN ('attachment_max_bytes')),
    CONSTRAINT attachment_max_bytes_range
        CHECK (name <> 'attachment_max_bytes' OR value BETWEEN 1 AND 1073741824)
);
INSERT INTO settings (name, value) VALUES ('attachment_max_bytes', 20 * 1024 * 1024);
GRANT SELECT ON settings TO qualify_team;

-- Before the row is written (and before its hash is computed by the check of schema 6).
-- A missing settings row means the default, never "no limit".
CREATE FUNCTION attachment_within_limit() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    max_bytes bigint;
    got bigint := pg_catalog.octet_length(NEW.content);
BEGIN
    SELECT s.value INTO max_bytes FROM qualify.settings s WHERE s.name = 'attachment_max_bytes';
    max_bytes := coalesce(max_bytes, 20 * 1024 * 1024);
    IF got > max_bytes THEN
        RAISE EXCEPTION 'evidence file of % bytes is over the server''s limit of % bytes',
            got, max_bytes
            USING ERRCODE = 'check_violation', CONSTRAINT = 'attachment_size_limit',
                  DETAIL = pg_catalog.format('limit: %s bytes; size: %s bytes', max_bytes, got),
                  HINT = 'the schema owner sets the limit in qualify.settings (attachment_max_bytes)';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER attachment_files_within_limit BEFORE INSERT ON attachment_files
    FOR EACH ROW EXECUTE FUNCTION attachment_within_limit();

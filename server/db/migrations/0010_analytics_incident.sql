-- The analyst's narrow copy of incident: only what the statistics filter and group on, plus the H3 cells, so a
-- 90-day aggregate over a million incidents scans ~100-byte rows instead of whole cases. Kept in step by the
-- triggers below: changed ids are queued, and the analytics reads drain the queue (server/analytics/
-- analytics-incident.ts) before they query, so they see every committed incident.
-- H3 cells: neither backend has an H3 extension (PGlite cannot load h3-pg), so the server computes them with
-- h3-js, one column per resolution offered (6–11). Not one finest cell with parents derived from it: H3 is not
-- strictly nested, and the resolution-9 ancestor of a point's finer cell is not always the cell it lies in.
CREATE TABLE analytics_incident (
  incident_id   bigint PRIMARY KEY,
  reported_at   timestamptz NOT NULL,
  grid_code     text,
  category_code text,
  source        text NOT NULL,
  priority      smallint NOT NULL,
  lon           double precision NOT NULL,
  lat           double precision NOT NULL,
  h3_r6  bigint NOT NULL,
  h3_r7  bigint NOT NULL,
  h3_r8  bigint NOT NULL,
  h3_r9  bigint NOT NULL,
  h3_r10 bigint NOT NULL,
  h3_r11 bigint NOT NULL
);
CREATE INDEX analytics_incident_time_idx ON analytics_incident (reported_at);

CREATE TABLE analytics_incident_pending (
  incident_id bigint PRIMARY KEY
);

CREATE FUNCTION analytics_incident_queue_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO analytics_incident_pending (incident_id) SELECT id FROM inserted ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
-- Statement level with a transition table: a bulk load of 5,000 rows queues them in one INSERT ... SELECT.
CREATE TRIGGER analytics_incident_on_insert AFTER INSERT ON incident
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION analytics_incident_queue_inserted();

CREATE FUNCTION analytics_incident_queue_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO analytics_incident_pending (incident_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER analytics_incident_on_change AFTER UPDATE OF geom, reported_at, grid_code, category_code, source, priority ON incident
  FOR EACH ROW EXECUTE FUNCTION analytics_incident_queue_changed();

CREATE FUNCTION analytics_incident_drop_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM analytics_incident a USING deleted d WHERE a.incident_id = d.id;
  DELETE FROM analytics_incident_pending p USING deleted d WHERE p.incident_id = d.id;
  RETURN NULL;
END $$;
CREATE TRIGGER analytics_incident_on_delete AFTER DELETE ON incident
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION analytics_incident_drop_deleted();

CREATE FUNCTION analytics_incident_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE analytics_incident, analytics_incident_pending;
  RETURN NULL;
END $$;
CREATE TRIGGER analytics_incident_on_truncate AFTER TRUNCATE ON incident
  FOR EACH STATEMENT EXECUTE FUNCTION analytics_incident_truncate();

INSERT INTO analytics_incident_pending (incident_id) SELECT id FROM incident;

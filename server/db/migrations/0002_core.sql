-- Core model. Every row that has a place carries the code of the unit grid it lies in (grid_code). Area codes
-- are hierarchical (street 9 digits, community 12, grid 15), so "everything under a jurisdiction" is a prefix
-- match on grid_code, which keeps role + jurisdiction scoping inside the SQL itself.

CREATE TABLE org (
  code        text PRIMARY KEY,
  kind        text NOT NULL CHECK (kind IN ('command_centre','street_office','community_committee','department','police_station')),
  name        text NOT NULL,
  name_en     text,
  area_code   text                          -- the area it answers for (a department may serve the whole city)
);

CREATE TABLE admin_area (
  code        text PRIMARY KEY,
  level       text NOT NULL CHECK (level IN ('city','district','street','community','grid')),
  parent_code text REFERENCES admin_area(code),
  name        text NOT NULL,
  name_en     text,
  org_code    text REFERENCES org(code),
  households  integer,
  population  integer,                      -- an estimate; shown as such
  area_km2    double precision,
  geom        geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX admin_area_geom_idx ON admin_area USING gist (geom);
CREATE INDEX admin_area_level_idx ON admin_area (level, code);
CREATE INDEX admin_area_parent_idx ON admin_area (parent_code);

CREATE TABLE category (
  code            text PRIMARY KEY,         -- e.g. EV-0101 (event) or PT-0101 (part)
  kind            text NOT NULL CHECK (kind IN ('part','event')),
  major_code      text NOT NULL,
  name            text NOT NULL,
  name_en         text NOT NULL,
  department_code text REFERENCES org(code),
  priority        smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
  limits_minutes  jsonb NOT NULL,           -- time limit per workflow step
  disposal_plan   text NOT NULL DEFAULT '',
  active          boolean NOT NULL DEFAULT true
);

CREATE TABLE station (
  id        text PRIMARY KEY,
  name      text NOT NULL,
  org_code  text REFERENCES org(code),
  grid_code text,
  geom      geometry(Point, 4326) NOT NULL
);

CREATE TABLE unit (
  id         text PRIMARY KEY,
  callsign   text NOT NULL,
  type       text NOT NULL,
  station_id text REFERENCES station(id),
  org_code   text REFERENCES org(code),
  shift      text NOT NULL,
  status     text NOT NULL DEFAULT 'available'
             CHECK (status IN ('available','dispatched','en_route','on_scene','cleared','out_of_service')),
  grid_code  text,                          -- home grid, for "own grid" preference in dispatch
  home       geometry(Point, 4326)
);

-- Trackers and apps that report a unit's position. A unit may change phones; history keeps the device.
CREATE TABLE device (
  id       text PRIMARY KEY,                -- the id the device sends (OsmAnd id, OwnTracks user/device)
  unit_id  text NOT NULL REFERENCES unit(id),
  kind     text NOT NULL DEFAULT 'tracker',
  key_hash text,                            -- per-device ingest key (hash only)
  active   boolean NOT NULL DEFAULT true
);
CREATE INDEX device_unit_idx ON device (unit_id);

CREATE TABLE unit_position_latest (
  unit_id     text PRIMARY KEY REFERENCES unit(id),
  device_time timestamptz NOT NULL,
  server_time timestamptz NOT NULL,
  geom        geometry(Point, 4326) NOT NULL,
  speed_mps   real,
  heading_deg real,
  accuracy_m  real,
  battery_pct real,
  grid_code   text,
  source      text NOT NULL
);
CREATE INDEX unit_position_latest_geom_idx ON unit_position_latest USING gist (geom);

-- Append-mostly and queried by unit and time window: (unit, device time) is the natural idempotency key of a
-- fix, and BRIN on server time keeps retention deletes and time scans cheap without a per-day partition job.
CREATE TABLE position_history (
  unit_id     text NOT NULL,
  device_time timestamptz NOT NULL,
  server_time timestamptz NOT NULL,
  geom        geometry(Point, 4326) NOT NULL,
  speed_mps   real,
  heading_deg real,
  accuracy_m  real,
  battery_pct real,
  grid_code   text,
  source      text NOT NULL,
  PRIMARY KEY (unit_id, device_time)
);
CREATE INDEX position_history_server_time_brin ON position_history USING brin (server_time);

CREATE TABLE camera (
  id           text PRIMARY KEY,
  name         text NOT NULL,
  name_en      text,
  geom         geometry(Point, 4326) NOT NULL,
  heading_deg  real NOT NULL,
  fov_deg      real NOT NULL,
  range_m      real NOT NULL,
  placement    text NOT NULL CHECK (placement IN ('main_road','key_place','entrance','checkpoint','downtown','public_place')),
  owner        text NOT NULL,
  frigate_name text UNIQUE,                 -- the camera's name in a Frigate NVR, if it comes from one
  stream_url   text,
  status       text NOT NULL DEFAULT 'online' CHECK (status IN ('online','offline','maintenance')),
  grid_code    text
);
CREATE INDEX camera_geom_idx ON camera USING gist (geom);
CREATE INDEX camera_grid_idx ON camera (grid_code);

CREATE TABLE camera_alert (
  id           bigserial PRIMARY KEY,
  source       text NOT NULL,               -- frigate, webhook
  source_id    text NOT NULL,               -- e.g. Frigate review id: one alert per review
  camera_id    text NOT NULL REFERENCES camera(id),
  type         text NOT NULL,
  score        real,
  severity     text,
  started_at   timestamptz NOT NULL,
  ended_at     timestamptz,
  server_time  timestamptz NOT NULL DEFAULT now(),
  state        text NOT NULL DEFAULT 'new' CHECK (state IN ('new','acknowledged','filed','dismissed')),
  snapshot_url text,
  clip_url     text,
  attributes   jsonb NOT NULL DEFAULT '{}',
  grid_code    text,
  geom         geometry(Point, 4326),
  UNIQUE (source, source_id)
);
CREATE INDEX camera_alert_time_idx ON camera_alert (server_time);
CREATE INDEX camera_alert_grid_idx ON camera_alert (grid_code);

-- An incident becomes a case when it is filed (立案); one row carries it through the whole closed loop, and
-- every state change is a case_event row.
CREATE TABLE incident (
  id                bigserial PRIMARY KEY,
  source            text NOT NULL CHECK (source IN ('citizen','grid_worker','camera','operator','patrol','import')),
  source_id         text,                   -- idempotency key from the source, if it has one
  category_code     text REFERENCES category(code),
  priority          smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
  state             text NOT NULL,
  description       text NOT NULL DEFAULT '',
  address           text,
  geom              geometry(Point, 4326) NOT NULL,
  grid_code         text,
  reported_at       timestamptz NOT NULL,
  filed_at          timestamptz,
  dispatched_at     timestamptz,
  handled_at        timestamptz,
  reported_back_at  timestamptz,
  verified_at       timestamptz,
  closed_at         timestamptz,
  deadline_at       timestamptz,
  department_code   text REFERENCES org(code),
  assigned_unit_id  text REFERENCES unit(id),
  camera_alert_id   bigint REFERENCES camera_alert(id),
  reopen_count      smallint NOT NULL DEFAULT 0,
  -- Contact details of a citizen reporter: kept apart from the public fields and only shown with a grant.
  reporter          jsonb
);
CREATE UNIQUE INDEX incident_source_idx ON incident (source, source_id) WHERE source_id IS NOT NULL;
CREATE INDEX incident_geom_idx ON incident USING gist (geom);
CREATE INDEX incident_reported_brin ON incident USING brin (reported_at);
CREATE INDEX incident_grid_time_idx ON incident (grid_code, reported_at);
CREATE INDEX incident_open_idx ON incident (state, deadline_at) WHERE closed_at IS NULL;

CREATE TABLE case_event (
  id          bigserial PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES incident(id),
  at          timestamptz NOT NULL DEFAULT now(),
  step        text NOT NULL,
  from_state  text,
  to_state    text NOT NULL,
  actor       text,                         -- user name, or system component
  note        text,
  attributes  jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX case_event_incident_idx ON case_event (incident_id, at);

CREATE TABLE app_user (
  id            serial PRIMARY KEY,
  username      text NOT NULL UNIQUE,
  display_name  text NOT NULL,
  role          text NOT NULL CHECK (role IN ('admin','supervisor','dispatcher','analyst','grid_worker','auditor','wall')),
  password_hash text,
  disabled      boolean NOT NULL DEFAULT false,
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until  timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- A grant of an area covers everything under it (prefix of the area code).
CREATE TABLE user_grant (
  user_id   integer NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
  area_code text NOT NULL REFERENCES admin_area(code),
  PRIMARY KEY (user_id, area_code)
);

-- Restricted layers (e.g. personnel tracks) need an explicit grant on top of the role.
CREATE TABLE layer_grant (
  user_id integer NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
  layer   text NOT NULL,
  PRIMARY KEY (user_id, layer)
);

-- Append-only and hash-chained: each row's hash covers the previous row's hash, so an edit or a deletion in
-- the middle breaks the chain at that row.
CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  actor_ip    text,
  action      text NOT NULL,
  target_type text,
  target_id   text,
  detail      jsonb NOT NULL DEFAULT '{}',
  prev_hash   text NOT NULL,
  hash        text NOT NULL
);
CREATE INDEX audit_log_at_idx ON audit_log (at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- Road graph, with pgRouting's column conventions (cost/reverse_cost in seconds, -1 = not allowed) so that
-- pgr_dijkstraCost can run on the same table where pgRouting is installed.
CREATE TABLE road_node (
  id   integer PRIMARY KEY,
  geom geometry(Point, 4326) NOT NULL
);
CREATE TABLE road_edge (
  id           integer PRIMARY KEY,
  source       integer NOT NULL REFERENCES road_node(id),
  target       integer NOT NULL REFERENCES road_node(id),
  cost         double precision NOT NULL,
  reverse_cost double precision NOT NULL,
  length_m     double precision NOT NULL,
  road_class   text NOT NULL,
  speed_kmh    real NOT NULL,
  osm_id       bigint,
  name         text,
  geom         geometry(LineString, 4326) NOT NULL
);
CREATE INDEX road_edge_geom_idx ON road_edge USING gist (geom);

-- What the seeder or importer put in, so a restart knows the city is loaded and with which options.
CREATE TABLE dataset (
  name       text PRIMARY KEY,
  loaded_at  timestamptz NOT NULL DEFAULT now(),
  details    jsonb NOT NULL DEFAULT '{}'
);

-- Every fix moves its unit's latest position. PostgreSQL updates a row in place (a HOT update, touching no
-- index) only when no indexed column changes, so with a GiST index on the point itself every fix wrote a new
-- entry into both indexes, and the spatial one grew by an entry per fix until vacuum came. The spatial index is
-- now on the point snapped to a 0.0005-degree cell (about 55 m north-south, 43 m east-west here), which a patrol
-- car at 10 m/s leaves about every five seconds and a foot patrol about every half minute: most updates are HOT.
-- Nearest-unit searches walk the cell index and re-rank by the exact point (server/dispatch/unit-shortlist.ts,
-- LATEST_CELL_DEG). Pages are left half empty so that a row's new version fits on its page, as HOT requires.
ALTER TABLE unit_position_latest
  ADD COLUMN geom_cell geometry(Point, 4326) GENERATED ALWAYS AS (ST_SnapToGrid(geom, 0.0005)) STORED;
DROP INDEX unit_position_latest_geom_idx;
CREATE INDEX unit_position_latest_cell_idx ON unit_position_latest USING gist (geom_cell);
ALTER TABLE unit_position_latest SET (fillfactor = 50);

-- A unit's confirmed moves between grids (debounced, so driving along a boundary does not flap): the basis of
-- patrol coverage per grid. Written in the same transaction as the fix that confirmed the move.
CREATE TABLE unit_grid_transition (
  unit_id   text NOT NULL REFERENCES unit(id),
  at        timestamptz NOT NULL,
  from_grid text,
  to_grid   text,
  PRIMARY KEY (unit_id, at)
);
CREATE INDEX unit_grid_transition_to_idx ON unit_grid_transition (to_grid, at);

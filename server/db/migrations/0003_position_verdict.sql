-- Every fix is kept; the filter's verdict says whether it moved the unit on the map (accepted) or why not.
ALTER TABLE position_history ADD COLUMN verdict text NOT NULL DEFAULT 'accepted'
  CHECK (verdict IN ('accepted','out_of_order','inaccurate','teleport','jitter'));
ALTER TABLE position_history ADD COLUMN device_id text;
ALTER TABLE unit_position_latest ADD COLUMN device_id text;

-- The road travel time the router gave when a unit was assigned, kept with the assignment: the wall's dispatch
-- line counts down to the expected arrival, and the travel timer has its yardstick. Null when the unit had no fix
-- or the road network had no way.
ALTER TABLE case_assignment ADD COLUMN eta_seconds double precision;
ALTER TABLE case_assignment ADD COLUMN route_meters double precision;
-- Beside assigned_unit_id, so reading a case does not need its assignment rows.
ALTER TABLE incident ADD COLUMN expected_arrival_at timestamptz;

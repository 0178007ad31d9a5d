-- The closed-loop case workflow. The states are those of geo/cases/case-states.ts; the check keeps a stray
-- write from inventing one. Stored names are unchanged; pending_approval (an operator's filing awaiting the
-- shift leader) is new.
ALTER TABLE incident ADD CONSTRAINT incident_state_check CHECK (state IN (
  'reported', 'pending_approval', 'filed', 'dispatched', 'handled', 'reported_back', 'verified', 'closed', 'voided', 'rejected'));
-- Who reported back last (they may not verify their own work) and until when an approved deferral holds.
ALTER TABLE incident ADD COLUMN reported_back_by text;
ALTER TABLE incident ADD COLUMN deferred_until timestamptz;
-- The dispatcher's queue: open cases by priority, then deadline.
CREATE INDEX incident_queue_idx ON incident (priority, deadline_at) WHERE closed_at IS NULL;
CREATE INDEX incident_category_open_idx ON incident (category_code, reported_at) WHERE closed_at IS NULL;

-- 督办: an order issued when a step overran its deadline. An order is open until the case leaves the step or an
-- approved exception moves its deadline (settled_at), or until it overruns itself and is escalated (escalated_at)
-- to a new order one level up. At most one open order per case, also across server processes.
CREATE TABLE supervision_order (
  id           bigserial PRIMARY KEY,
  incident_id  bigint NOT NULL REFERENCES incident(id),
  level        smallint NOT NULL CHECK (level BETWEEN 1 AND 3),
  step         text NOT NULL,
  state        text NOT NULL,                -- the case's state when the order was issued
  issued_at    timestamptz NOT NULL,
  due_at       timestamptz NOT NULL,
  settled_at   timestamptz,
  escalated_at timestamptz
);
CREATE UNIQUE INDEX supervision_order_open_idx ON supervision_order (incident_id) WHERE settled_at IS NULL AND escalated_at IS NULL;
CREATE INDEX supervision_order_due_idx ON supervision_order (due_at) WHERE settled_at IS NULL AND escalated_at IS NULL;

-- Exceptions (退回, 作废, 延期, 缓办): each with a reason and the approver who let it through; counted in evaluation.
CREATE TABLE case_exception (
  id              bigserial PRIMARY KEY,
  incident_id     bigint NOT NULL REFERENCES incident(id),
  kind            text NOT NULL CHECK (kind IN ('return', 'void', 'extend', 'defer')),
  reason          text NOT NULL CHECK (reason <> ''),
  requested_by    text,                      -- who asked (a department, a handler), when not the approver
  approved_by     text NOT NULL,
  at              timestamptz NOT NULL,
  from_state      text NOT NULL,
  to_state        text NOT NULL,
  deadline_before timestamptz,
  deadline_after  timestamptz,
  extend_minutes  integer,
  deferred_until  timestamptz
);
CREATE INDEX case_exception_incident_idx ON case_exception (incident_id, at);

-- A unit sent to a case and its response timestamps. An assignment is active until the unit clears or is
-- released; the unique index is the last line behind the guarded status flip: a unit has one job at a time.
CREATE TABLE case_assignment (
  id          bigserial PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES incident(id),
  unit_id     text NOT NULL REFERENCES unit(id),
  assigned_at timestamptz NOT NULL,
  assigned_by text NOT NULL,
  en_route_at timestamptz,
  on_scene_at timestamptz,
  cleared_at  timestamptz,
  released_at timestamptz
);
CREATE UNIQUE INDEX case_assignment_active_unit_idx ON case_assignment (unit_id) WHERE cleared_at IS NULL AND released_at IS NULL;
CREATE INDEX case_assignment_incident_idx ON case_assignment (incident_id);

-- A camera alert never becomes a case on its own: a person files or dismisses it, and that decision is kept.
ALTER TABLE camera_alert ADD COLUMN decided_by text;
ALTER TABLE camera_alert ADD COLUMN decided_at timestamptz;
ALTER TABLE camera_alert ADD COLUMN dismiss_reason text;

import type { Logger } from '../logger.ts'
import type { StepLimits } from '../../geo/catalogue/category.ts'
import { CASE_STATES, PENDING_STEP, type CaseState } from '../../geo/cases/case-states.ts'
import {
  DEFAULT_SUPERVISION_RULE, MAX_SUPERVISION_LEVEL, supervisionAction, type SupervisionRule,
} from '../../geo/cases/supervision.ts'
import type { CaseStore } from './case-store.ts'

export const SUPERVISION_ACTOR = 'system:supervision'
const ON_A_CLOCK = CASE_STATES.filter((s) => PENDING_STEP[s] !== null)

export interface SupervisionSchedulerOptions {
  rule?: SupervisionRule
  /** At most this many cases per tick, most overdue first; the rest wait for the next tick. */
  batch?: number
  log?: Logger
}

interface Candidate {
  id: number
  state: CaseState
  deadline_at: Date | null
  limits: StepLimits
  order_id: number | null
  level: number | null
  due_at: Date | null
}

/**
 * Issues supervision orders (督办) for overrun steps and escalates orders that overran themselves. Every server
 * process may run one: an order is written only if the case is still in the state it was read in, and the
 * one-open-order-per-case index turns a second process's identical order into a no-op.
 */
export class SupervisionScheduler {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<unknown> | undefined
  private readonly rule: SupervisionRule
  private readonly batch: number

  constructor(private readonly store: CaseStore, private readonly opts: SupervisionSchedulerOptions = {}) {
    this.rule = opts.rule ?? DEFAULT_SUPERVISION_RULE
    this.batch = opts.batch ?? 200
  }

  /** One pass at `now`: what was issued and escalated. */
  async tick(now: Date = this.store.now()): Promise<{ issued: number; escalated: number }> {
    const due = await this.store.db.query<Candidate>(
      `SELECT i.id::int, i.state, i.deadline_at, c.limits_minutes AS limits, o.id::int AS order_id, o.level, o.due_at
       FROM incident i
         JOIN category c ON c.code = i.category_code
         LEFT JOIN supervision_order o ON o.incident_id = i.id AND o.settled_at IS NULL AND o.escalated_at IS NULL
       WHERE i.closed_at IS NULL AND i.state = ANY($2::text[])
         AND ((o.id IS NULL AND i.deadline_at <= $1) OR (o.due_at <= $1 AND o.level < $3))
       ORDER BY COALESCE(o.due_at, i.deadline_at), i.id
       LIMIT $4`,
      [now, ON_A_CLOCK, MAX_SUPERVISION_LEVEL, this.batch],
    )
    let issued = 0
    let escalated = 0
    for (const c of due.rows) {
      const open = c.order_id !== null ? { level: c.level!, dueAt: c.due_at! } : null
      const action = supervisionAction({ state: c.state, deadlineAt: c.deadline_at }, open, now, c.limits, this.rule)
      if (!action) continue
      const wrote = await this.store.db.transaction(async (tx) => {
        if (action.kind === 'escalate') {
          const closed = await tx.query(
            'UPDATE supervision_order SET escalated_at = $2 WHERE id = $1 AND settled_at IS NULL AND escalated_at IS NULL',
            [c.order_id, now],
          )
          if (closed.affectedRows !== 1) return false
        }
        const order = await tx.query<{ id: number }>(
          `INSERT INTO supervision_order (incident_id, level, step, state, issued_at, due_at)
           SELECT id, $3, $4, state, $5, $6 FROM incident WHERE id = $1 AND state = $2
           ON CONFLICT (incident_id) WHERE settled_at IS NULL AND escalated_at IS NULL DO NOTHING
           RETURNING id::int`,
          [c.id, c.state, action.level, action.step, now, action.dueAt],
        )
        if (!order.rows[0]) {
          // The case moved on, or another process issued the order: undo the escalation mark with the rest.
          if (action.kind === 'escalate') throw new SkipCase()
          return false
        }
        await tx.query(
          `INSERT INTO case_event (incident_id, at, step, from_state, to_state, actor, attributes)
           VALUES ($1, $2, $3, $4, $4, $5, $6::jsonb)`,
          [c.id, now, action.kind === 'issue' ? 'supervise' : 'escalate', c.state, SUPERVISION_ACTOR,
            JSON.stringify({ orderId: order.rows[0].id, level: action.level, step: action.step, dueAt: action.dueAt.toISOString() })],
        )
        return true
      }).catch((err: unknown) => {
        if (err instanceof SkipCase) return false
        throw err
      })
      if (!wrote) continue
      if (action.kind === 'issue') issued++
      else escalated++
      await this.store.announce(c.id, action.kind === 'issue' ? 'supervise' : 'escalate', SUPERVISION_ACTOR, now)
    }
    return { issued, escalated }
  }

  /** Ticks every `intervalMs`, never two at once; errors are logged and the next tick tries again. */
  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (this.running) return
      this.running = this.tick()
        .then((r) => {
          if (r.issued || r.escalated) this.opts.log?.info(r, 'supervision orders')
        })
        .catch((err: unknown) => this.opts.log?.error({ err }, 'supervision tick failed'))
        .finally(() => (this.running = undefined))
    }, intervalMs)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    clearInterval(this.timer)
    await this.running
  }
}

class SkipCase extends Error {}

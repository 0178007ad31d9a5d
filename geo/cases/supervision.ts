import type { StepLimits } from '../catalogue/category.ts'
import { addMinutes } from './case-deadline.ts'
import { PENDING_STEP, type CaseState } from './case-states.ts'

/**
 * Supervision (督办): a step that overruns its deadline gets a supervision order with its own, shorter time to
 * comply; an order that also overruns is escalated one level up, up to the efficiency office (效能办), which
 * refers the case for accountability and is the end of the ladder.
 */
export const SUPERVISION_LEVELS = [
  { level: 1, zh: '指挥中心督办', en: 'Command-centre supervision' },
  { level: 2, zh: '区级督办', en: 'Escalated to district leadership' },
  { level: 3, zh: '效能办问责', en: 'Referred to the efficiency office' },
] as const
export const MAX_SUPERVISION_LEVEL = SUPERVISION_LEVELS.length

export interface SupervisionRule {
  /** An order's time to comply, as a share of the overrun step's limit... */
  dueShareOfStepLimit: number
  /** ...but never less than this, so a 15-minute step still leaves time to act on an order. */
  minDueMinutes: number
}

export const DEFAULT_SUPERVISION_RULE: SupervisionRule = { dueShareOfStepLimit: 0.5, minDueMinutes: 30 }

export interface OpenOrder {
  level: number
  dueAt: Date
}

export interface SupervisedCase {
  state: CaseState
  deadlineAt: Date | null
}

export type SupervisionAction = { kind: 'issue' | 'escalate'; level: number; dueAt: Date; step: string }

/** What the scheduler must do for one case now: issue a first order, escalate the open one, or nothing. */
export function supervisionAction(
  c: SupervisedCase, open: OpenOrder | null, now: Date, limits: StepLimits, rule: SupervisionRule = DEFAULT_SUPERVISION_RULE,
): SupervisionAction | null {
  const step = PENDING_STEP[c.state]
  if (step === null) return null
  const dueAt = addMinutes(now, Math.max(rule.minDueMinutes, Math.round(limits[step] * rule.dueShareOfStepLimit)))
  if (open === null) {
    if (c.deadlineAt === null || now.getTime() < c.deadlineAt.getTime()) return null
    return { kind: 'issue', level: 1, dueAt, step }
  }
  if (now.getTime() < open.dueAt.getTime() || open.level >= MAX_SUPERVISION_LEVEL) return null
  return { kind: 'escalate', level: open.level + 1, dueAt, step }
}

import { z } from 'zod'
import type { StepLimits } from '../catalogue/category.ts'

/**
 * The states a stored case (incident row) can be in: the last step it completed, or how it left the loop.
 * Names are the ones stored since the first migration; `pending_approval` is the filing an operator made and a
 * shift leader has not yet approved (立案待审批). Every module that names a state takes it from here.
 */
export const CASE_STATES = [
  'reported', 'pending_approval', 'filed', 'dispatched', 'handled', 'reported_back', 'verified', 'closed', 'voided', 'rejected',
] as const
export type CaseState = (typeof CASE_STATES)[number]
export const caseStateSchema = z.enum(CASE_STATES)

/** Ways out of the loop: closed (结案), voided (作废), rejected (不予立案). Rows in these carry closed_at. */
export const FINAL_CASE_STATES = ['closed', 'voided', 'rejected'] as const satisfies readonly CaseState[]
export const OPEN_CASE_STATES = CASE_STATES.filter(
  (s): s is Exclude<CaseState, (typeof FINAL_CASE_STATES)[number]> => !(FINAL_CASE_STATES as readonly string[]).includes(s),
)

export const isFinalState = (s: CaseState): boolean => (FINAL_CASE_STATES as readonly CaseState[]).includes(s)

/**
 * The step a case in this state is waiting on, whose time limit applies; null when nothing is pending on a
 * clock (a verified case waits only for the formal close, a final one for nothing). A handled case is still in
 * the handle step: the handler has not reported back yet.
 */
export const PENDING_STEP: Readonly<Record<CaseState, keyof StepLimits | null>> = {
  reported: 'file',
  pending_approval: 'file',
  filed: 'dispatch',
  dispatched: 'handle',
  handled: 'handle',
  reported_back: 'verify',
  verified: null,
  closed: null,
  voided: null,
  rejected: null,
}

export const CASE_STATE_LABELS: Readonly<Record<CaseState, { readonly zh: string; readonly en: string }>> = {
  reported: { zh: '待立案', en: 'Awaiting filing' },
  pending_approval: { zh: '立案待审批', en: 'Filing awaiting approval' },
  filed: { zh: '待派遣', en: 'Awaiting dispatch' },
  dispatched: { zh: '处置中', en: 'Being handled' },
  handled: { zh: '待反馈', en: 'Handled, awaiting report' },
  reported_back: { zh: '待核查', en: 'Awaiting verification' },
  verified: { zh: '待结案', en: 'Verified, awaiting close' },
  closed: { zh: '已结案', en: 'Closed' },
  voided: { zh: '已作废', en: 'Voided' },
  rejected: { zh: '不予立案', en: 'Rejected' },
}

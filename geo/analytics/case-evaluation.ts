/** The timed steps of a case, each measured from the end of the previous one against the category's limit. */
export const TIMED_STEPS = ['file', 'dispatch', 'handle', 'verify'] as const
export type TimedStep = (typeof TIMED_STEPS)[number]
export const EXCEPTION_KINDS = ['return', 'void', 'extend', 'defer'] as const
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number]

/** What the store counts per grid or department; every rate below is made from these and nothing else. */
export interface EvaluationCounts {
  reported: number
  filed: number
  closed: number
  /** Closed cases whose every step finished within its limit. */
  closedOnTime: number
  steps: Record<TimedStep, { done: number; onTime: number }>
  /** Filed cases sent back to the handler at least once by a failed verification. */
  reopened: number
  supervisionOrders: number
  exceptions: Record<ExceptionKind, number>
  /** Mean minutes from report to dispatch, over dispatched cases; null when none. */
  meanResponseMinutes: number | null
}

export interface Evaluation extends EvaluationCounts {
  closureRate: number | null
  onTimeRate: number | null
  stepOnTimeRate: Record<TimedStep, number | null>
  reopenRate: number | null
  supervisionPer100: number | null
}

/**
 * Published with every figure, so a reader can recompute it (DOMAIN: publish each formula; count reopenings and
 * exceptions so scores cannot be gamed). On-time is against the catalogue's limit per step: an approved
 * extension does not make a late step on time, it is counted among the exceptions instead.
 */
export const EVALUATION_FORMULAS = {
  closureRate: { zh: '结案率 = 结案数 ÷ 立案数', en: 'closure rate = closed ÷ filed' },
  onTimeRate: { zh: '及时解决率 = 各环节均按时完成的结案数 ÷ 结案数', en: 'on-time rate = closed with every step within its limit ÷ closed' },
  stepOnTimeRate: {
    zh: '环节按时率 = 在时限内完成该环节的案件数 ÷ 完成该环节的案件数（立案：上报→立案；派遣：立案→派遣；处置：派遣→反馈；核查：反馈→核查）',
    en: 'step on-time rate = cases finishing the step within its limit ÷ cases finishing it (file: reported→filed; dispatch: filed→dispatched; handle: dispatched→reported back; verify: reported back→verified)',
  },
  reopenRate: { zh: '返工率 = 核查未通过而返回处置的案件数 ÷ 立案数', en: 'reopen rate = cases sent back by a failed verification ÷ filed' },
  supervisionPer100: { zh: '每百案督办数 = 督办单数 ÷ 立案数 × 100', en: 'supervision orders per 100 cases = orders ÷ filed × 100' },
  meanResponseMinutes: { zh: '平均响应时间 = Σ(派遣时间 − 上报时间) ÷ 已派遣案件数', en: 'mean response time = Σ(dispatched − reported) ÷ dispatched cases' },
} as const

/** The rates of one grid or department from its counts; a rate with a zero denominator is null, not 0. */
export function caseEvaluation(c: EvaluationCounts): Evaluation {
  const ratio = (a: number, b: number) => (b > 0 ? a / b : null)
  const stepOnTimeRate = Object.fromEntries(TIMED_STEPS.map((s) => [s, ratio(c.steps[s].onTime, c.steps[s].done)])) as Record<TimedStep, number | null>
  return {
    ...c,
    closureRate: ratio(c.closed, c.filed),
    onTimeRate: ratio(c.closedOnTime, c.closed),
    stepOnTimeRate,
    reopenRate: ratio(c.reopened, c.filed),
    supervisionPer100: c.filed > 0 ? (100 * c.supervisionOrders) / c.filed : null,
  }
}

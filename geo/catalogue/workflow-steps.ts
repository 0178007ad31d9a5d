import { z } from 'zod'

/**
 * The steps of the digital-urban-management closed loop as the product names them. The literature's seventh
 * step, evaluation (综合评价), is computed over closed cases rather than being a step a case passes through,
 * and its "verify and close" (核查结案) is split in two because a failed verification sends the case back.
 */
export const WORKFLOW_STEPS = ['collect', 'file', 'dispatch', 'handle', 'report_back', 'verify', 'close'] as const

export type WorkflowStep = (typeof WORKFLOW_STEPS)[number]

export const workflowStepSchema = z.enum(WORKFLOW_STEPS)

export const WORKFLOW_STEP_LABELS: Readonly<Record<WorkflowStep, { readonly zh: string; readonly en: string }>> = {
  collect: { zh: '信息采集', en: 'Collect' },
  file: { zh: '立案', en: 'File' },
  dispatch: { zh: '派遣', en: 'Dispatch' },
  handle: { zh: '处置', en: 'Handle' },
  report_back: { zh: '反馈', en: 'Report back' },
  verify: { zh: '核查', en: 'Verify' },
  close: { zh: '结案', en: 'Close' },
}

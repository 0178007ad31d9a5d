import { describe, expect, it } from 'vitest'
import { stepDeadline } from './step-deadline.ts'

const limits = { file: 30, dispatch: 60, handle: 240, verify: 120 }
const t = (iso: string) => new Date(iso)
const base = {
  reportedAt: t('2026-03-01T08:00:00Z'),
  filedAt: t('2026-03-01T08:20:00Z'),
  dispatchedAt: t('2026-03-01T09:00:00Z'),
  reportedBackAt: t('2026-03-01T11:00:00Z'),
}

describe('stepDeadline', () => {
  it('runs each limit from the end of the previous step', () => {
    expect(stepDeadline({ ...base, state: 'reported' }, limits)?.toISOString()).toBe('2026-03-01T08:30:00.000Z')
    expect(stepDeadline({ ...base, state: 'filed' }, limits)?.toISOString()).toBe('2026-03-01T09:20:00.000Z')
    expect(stepDeadline({ ...base, state: 'dispatched' }, limits)?.toISOString()).toBe('2026-03-01T13:00:00.000Z')
    expect(stepDeadline({ ...base, state: 'reported_back' }, limits)?.toISOString()).toBe('2026-03-01T13:00:00.000Z')
  })

  it('keeps a filing that awaits approval on the file clock', () => {
    expect(stepDeadline({ ...base, state: 'pending_approval' }, limits)?.toISOString()).toBe('2026-03-01T08:30:00.000Z')
  })

  it('keeps a handled case on the handle clock until the handler reports back', () => {
    expect(stepDeadline({ ...base, state: 'handled' }, limits)).toEqual(stepDeadline({ ...base, state: 'dispatched' }, limits))
  })

  it('has no deadline once nothing is pending', () => {
    for (const state of ['verified', 'closed', 'voided', 'rejected']) expect(stepDeadline({ ...base, state }, limits)).toBeNull()
  })

  it('has no deadline when the step start is missing', () => {
    expect(stepDeadline({ ...base, filedAt: null, state: 'filed' }, limits)).toBeNull()
  })
})

import type { MessageKey } from '../i18n.ts'
import type { StepForm } from './step-forms.ts'

/** What a key does on the console. */
export type Command =
  | { kind: 'next' }
  | { kind: 'prev' }
  | { kind: 'filter' }
  | { kind: 'help' }
  | { kind: 'escape' }
  | { kind: 'refresh' }
  | { kind: 'fit' }
  | { kind: 'candidate'; delta: 1 | -1 }
  | { kind: 'assign'; rank: number }
  | { kind: 'assignHighlighted' }
  | { kind: 'form'; form: StepForm }
  | { kind: 'unitStatus' }
  | { kind: 'mode' }

export interface Shortcut {
  /** Key names as KeyboardEvent.key gives them. */
  keys: readonly string[]
  /** How the keys are printed on screen. */
  label: string
  command: Command
  text: MessageKey
}

/** Every shortcut of the console: the key handler and the lists on screen both read this table, so they never disagree. */
export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['j', 'ArrowDown'], label: 'j / ↓', command: { kind: 'next' }, text: 'dispatch.key.next' },
  { keys: ['k', 'ArrowUp'], label: 'k / ↑', command: { kind: 'prev' }, text: 'dispatch.key.prev' },
  { keys: ['1', '2', '3', '4', '5'], label: '1–5', command: { kind: 'assign', rank: 0 }, text: 'dispatch.key.assign' },
  { keys: ['ArrowRight'], label: '→', command: { kind: 'candidate', delta: 1 }, text: 'dispatch.key.candNext' },
  { keys: ['ArrowLeft'], label: '←', command: { kind: 'candidate', delta: -1 }, text: 'dispatch.key.candPrev' },
  { keys: ['Enter'], label: 'Enter', command: { kind: 'assignHighlighted' }, text: 'dispatch.key.assignHighlighted' },
  { keys: ['g'], label: 'g', command: { kind: 'mode' }, text: 'dispatch.key.mode' },
  { keys: ['f'], label: 'f', command: { kind: 'form', form: 'file' }, text: 'dispatch.key.file' },
  { keys: ['a'], label: 'a', command: { kind: 'form', form: 'approve' }, text: 'dispatch.form.approve' },
  { keys: ['x'], label: 'x', command: { kind: 'form', form: 'reject' }, text: 'dispatch.key.reject' },
  { keys: ['d'], label: 'd', command: { kind: 'form', form: 'dispatch' }, text: 'dispatch.form.dispatch' },
  { keys: ['h'], label: 'h', command: { kind: 'form', form: 'handle' }, text: 'dispatch.form.handle' },
  { keys: ['b'], label: 'b', command: { kind: 'form', form: 'report-back' }, text: 'dispatch.form.report-back' },
  { keys: ['v'], label: 'v', command: { kind: 'form', form: 'verify' }, text: 'dispatch.form.verify' },
  { keys: ['c'], label: 'c', command: { kind: 'form', form: 'close' }, text: 'dispatch.form.close' },
  { keys: ['e'], label: 'e', command: { kind: 'form', form: 'exceptions' }, text: 'dispatch.form.exceptions' },
  { keys: ['u'], label: 'u', command: { kind: 'unitStatus' }, text: 'dispatch.key.unitStatus' },
  { keys: ['/'], label: '/', command: { kind: 'filter' }, text: 'dispatch.key.filter' },
  { keys: ['r'], label: 'r', command: { kind: 'refresh' }, text: 'dispatch.key.refresh' },
  { keys: ['m'], label: 'm', command: { kind: 'fit' }, text: 'dispatch.key.fit' },
  { keys: ['?'], label: '?', command: { kind: 'help' }, text: 'dispatch.key.help' },
  { keys: ['Escape'], label: 'Esc', command: { kind: 'escape' }, text: 'dispatch.key.escape' },
]

export interface KeyLike {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
}

/**
 * The command for a key press, or null. Browser and system shortcuts (with Ctrl, Cmd or Alt) are left alone;
 * in a text field only Escape counts, so typing a reason never moves the queue.
 */
export function commandFor(e: KeyLike, typing: boolean): Command | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null
  if (typing) return e.key === 'Escape' ? { kind: 'escape' } : null
  const s = SHORTCUTS.find((x) => x.keys.includes(e.key))
  if (!s) return null
  return s.command.kind === 'assign' ? { kind: 'assign', rank: Number(e.key) } : s.command
}

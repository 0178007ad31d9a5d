import { describe, expect, it } from 'vitest'
import { commandFor, SHORTCUTS } from './shortcuts.ts'

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, ...mods })

describe('console shortcuts', () => {
  it('maps the listed keys to their commands', () => {
    expect(commandFor(key('j'), false)).toEqual({ kind: 'next' })
    expect(commandFor(key('ArrowUp'), false)).toEqual({ kind: 'prev' })
    expect(commandFor(key('3'), false)).toEqual({ kind: 'assign', rank: 3 })
    expect(commandFor(key('Enter'), false)).toEqual({ kind: 'assignHighlighted' })
    expect(commandFor(key('x'), false)).toEqual({ kind: 'form', form: 'reject' })
    expect(commandFor(key('?'), false)).toEqual({ kind: 'help' })
    expect(commandFor(key('q'), false)).toBeNull()
    expect(commandFor(key('6'), false)).toBeNull()
  })

  it('leaves typing alone except Escape, and never takes browser shortcuts', () => {
    expect(commandFor(key('j'), true)).toBeNull()
    expect(commandFor(key('1'), true)).toBeNull()
    expect(commandFor(key('Escape'), true)).toEqual({ kind: 'escape' })
    expect(commandFor(key('r', { ctrlKey: true }), false)).toBeNull()
    expect(commandFor(key('f', { metaKey: true }), false)).toBeNull()
  })

  it('gives every key one meaning', () => {
    const keys = SHORTCUTS.flatMap((s) => s.keys)
    expect(new Set(keys).size).toBe(keys.length)
  })
})

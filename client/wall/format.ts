import { lang, t, type MessageKey } from '../i18n.ts'

/** A message with `{n}` filled in. */
export function tn(key: MessageKey, n: number | string): string {
  return t(key).replace('{n}', String(n))
}

/** "12秒前" / "3 min ago". */
export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 2) return t('wall.age.now')
  if (s < 90) return tn('wall.age.s', s)
  if (s < 90 * 60) return tn('wall.age.m', Math.round(s / 60))
  return tn('wall.age.h', Math.round(s / 3600))
}

/** Short age for a unit label on the map: "3分" / "3m". */
export function shortAge(ms: number): string {
  const m = Math.floor(ms / 60_000)
  if (m < 60) return lang === 'zh' ? `${m}分钟` : `${m} min`
  const h = Math.floor(m / 60)
  return lang === 'zh' ? `${h}小时` : `${h} h`
}

const locale = lang === 'zh' ? 'zh-CN' : 'en-GB'
const timeFmt = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })
const shortTimeFmt = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hour12: false })
const dateFmt = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' })

export const clockTime = (d: Date) => timeFmt.format(d)
export const clockDate = (d: Date) => dateFmt.format(d)
export const hhmm = (d: Date) => shortTimeFmt.format(d)
export const hhmmss = (d: Date) => timeFmt.format(d)

/** An area's name in the page language, without its level word when a column header already says it. */
export function areaName(p: { name: string; nameEn?: string | null }, bare = false): string {
  const name = lang === 'en' ? (p.nameEn ?? p.name) : p.name
  return bare ? name.replace(/\s*(街道|社区|网格)$/, '').replace(/\s+(Subdistrict|Community|Grid)$/, '') : name
}

export function formatInt(n: number): string {
  return n.toLocaleString(locale)
}

import { ParseError } from '../../geo/ingest/parse-error.ts'

export const LOCALES = ['zh', 'en'] as const
export type Locale = (typeof LOCALES)[number]
export const DEFAULT_LOCALE: Locale = 'zh'

const primary = (tag: string) => tag.trim().toLowerCase().split(/[-_]/)[0]
const isLocale = (s: string): s is Locale => (LOCALES as readonly string[]).includes(s)

/**
 * The language of names in a response: `?locale=` (zh, en, zh-CN, en_US...) if given, else the best match of
 * Accept-Language, else Chinese. An explicit locale we do not have is an error rather than a silent fallback.
 */
export function negotiateLocale(param: unknown, acceptLanguage: string | undefined): Locale {
  if (param !== undefined) {
    const p = typeof param === 'string' ? primary(param) : ''
    if (!isLocale(p)) throw new ParseError([{ path: 'locale', message: `expected one of ${LOCALES.join(', ')} (zh-CN, en-US... also do)` }])
    return p
  }
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.split(';')
      const q = params.map((x) => /^\s*q=([\d.]+)\s*$/.exec(x)?.[1]).find((x) => x !== undefined)
      return { lang: primary(tag), q: q === undefined ? 1 : Number(q), i }
    })
    .filter((x) => x.q > 0 && isLocale(x.lang))
    .sort((a, b) => b.q - a.q || a.i - b.i)
  return (ranked[0]?.lang as Locale | undefined) ?? DEFAULT_LOCALE
}

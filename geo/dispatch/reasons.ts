/**
 * Why a unit stands where it does in a recommendation: machine-readable codes the console can filter and style,
 * each with its label in both UI languages so the server's answer and the client's text never disagree.
 */

export const REASON_CODES = ['own_grid', 'neighbouring_grid', 'stale_fix', 'outside_radius', 'no_road_route'] as const
export type ReasonCode = (typeof REASON_CODES)[number]

export type Reason =
  | { code: 'own_grid' | 'neighbouring_grid' | 'no_road_route' }
  | { code: 'stale_fix'; fixAgeS: number }
  | { code: 'outside_radius'; radiusM: number }

export type ReasonLang = 'zh' | 'en'

/** The reason as a dispatcher reads it, e.g. "stale fix 3 min" / "定位过时 3 分钟". */
export function reasonLabel(reason: Reason, lang: ReasonLang): string {
  switch (reason.code) {
    case 'own_grid':
      return lang === 'zh' ? '本网格' : 'own grid'
    case 'neighbouring_grid':
      return lang === 'zh' ? '相邻网格' : 'neighbouring grid'
    case 'no_road_route':
      return lang === 'zh' ? '无道路路线，仅直线距离' : 'no road route, straight line only'
    case 'stale_fix': {
      const min = Math.max(1, Math.round(reason.fixAgeS / 60))
      return lang === 'zh' ? `定位过时 ${min} 分钟` : `stale fix ${min} min`
    }
    case 'outside_radius': {
      const km = +(reason.radiusM / 1000).toFixed(1)
      return lang === 'zh' ? `超出 ${km} 公里范围` : `outside ${km} km radius`
    }
  }
}

/** A reason with both labels attached, as the API sends it. */
export type LabelledReason = Reason & { zh: string; en: string }

export function labelled(reason: Reason): LabelledReason {
  return { ...reason, zh: reasonLabel(reason, 'zh'), en: reasonLabel(reason, 'en') }
}

export type Lang = 'zh' | 'en'

const zh = {
  'app.name': '网格化城市运行指挥中心',
  'app.tagline': '实时网格态势 · 调度 · 研判',
  'lang.switch': 'English',
  'page.map': '网格地图',
  'page.map.desc': '街道、社区、网格三级边界',
  'page.wall': '指挥大屏',
  'page.wall.desc': '全城态势、网格负荷、告警轮播',
  'page.dispatch': '调度台',
  'page.dispatch.desc': '事件队列、最近可用力量、一键派遣',
  'page.analyst': '研判分析',
  'page.analyst.desc': '热点分析、时段对比、数据导出',
  'page.admin': '系统管理',
  'page.admin.desc': '用户、角色、辖区、事部件目录、审计日志',
  'page.report': '事件上报',
  'page.report.desc': '网格员现场上报与核查',
  'page.soon': '建设中',
  'level.street': '街道',
  'level.community': '社区',
  'level.grid': '网格',
  'map.theme.dark': '深色',
  'map.theme.light': '浅色',
  'map.loading': '正在加载网格…',
  'map.error': '网格数据加载失败',
} as const

export type MessageKey = keyof typeof zh

const en: Record<MessageKey, string> = {
  'app.name': 'Gridwatch City Command Centre',
  'app.tagline': 'Live grid situation · dispatch · analysis',
  'lang.switch': '中文',
  'page.map': 'Grid map',
  'page.map.desc': 'Street, community and grid boundaries',
  'page.wall': 'Video wall',
  'page.wall.desc': 'The whole city, grid load, rotating alarms',
  'page.dispatch': 'Dispatch',
  'page.dispatch.desc': 'Incident queue, nearest available units, one-key assignment',
  'page.analyst': 'Analyst',
  'page.analyst.desc': 'Hotspots, period comparison, exports',
  'page.admin': 'Administration',
  'page.admin.desc': 'Users, roles, jurisdictions, category catalogue, audit log',
  'page.report': 'Report',
  'page.report.desc': 'On-site reports and verification by grid workers',
  'page.soon': 'coming soon',
  'level.street': 'Street',
  'level.community': 'Community',
  'level.grid': 'Grid',
  'map.theme.dark': 'Dark',
  'map.theme.light': 'Light',
  'map.loading': 'Loading grids…',
  'map.error': 'Could not load the grids',
}

const DICTIONARIES: Record<Lang, Record<MessageKey, string>> = { zh, en }

/** zh-CN unless the page was opened with `?lang=en`. */
export const lang: Lang = new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'zh'

// MapLibre also reads this to pick regional glyph forms when it draws labels.
document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'

export function t(key: MessageKey): string {
  return DICTIONARIES[lang][key]
}

/** The current URL with one query parameter changed, for switches that keep the rest of the state. */
export function withParam(name: string, value: string): string {
  const url = new URL(location.href)
  url.searchParams.set(name, value)
  return url.pathname + url.search + url.hash
}

/** Fills every `[data-i18n]` element with its message, so static HTML needs no per-page code. */
export function translatePage(): void {
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n as MessageKey)
  }
  const other: Lang = lang === 'zh' ? 'en' : 'zh'
  for (const a of document.querySelectorAll<HTMLAnchorElement>('a[data-lang-switch]')) {
    a.textContent = t('lang.switch')
    a.href = withParam('lang', other)
    // The map keeps its view in the hash, which changes after load.
    a.addEventListener('click', () => (a.href = withParam('lang', other)))
  }
}

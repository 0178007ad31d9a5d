/**
 * Responsible departments (责任单位) of the demo city. The command centre dispatches to these; police, fire and
 * power are outside the city administration in China but are linked in as co-handling units, so they appear too.
 */
export interface Department {
  readonly code: string
  readonly nameZh: string
  readonly nameEn: string
}

export const DEPARTMENTS = [
  { code: 'MUNICIPAL', nameZh: '市政管理处', nameEn: 'Municipal Engineering' },
  { code: 'SANITATION', nameZh: '环境卫生管理处', nameEn: 'Sanitation' },
  { code: 'LANDSCAPE', nameZh: '园林绿化局', nameEn: 'Parks and Landscaping' },
  { code: 'TRAFFIC_POLICE', nameZh: '公安交警大队', nameEn: 'Traffic Police' },
  { code: 'POLICE_STATION', nameZh: '公安派出所', nameEn: 'Police Stations' },
  { code: 'URBAN_ENFORCEMENT', nameZh: '城市管理综合执法局', nameEn: 'Urban Management Enforcement' },
  { code: 'WATER', nameZh: '水务局', nameEn: 'Water Authority' },
  { code: 'FIRE', nameZh: '消防救援大队', nameEn: 'Fire and Rescue' },
  { code: 'POWER', nameZh: '供电公司', nameEn: 'Power Utility' },
  { code: 'SUBDISTRICT', nameZh: '街道办事处', nameEn: 'Subdistrict Office' },
  { code: 'TELECOM', nameZh: '通信管线单位', nameEn: 'Telecom Operators' },
  { code: 'TRANSPORT', nameZh: '交通运输局', nameEn: 'Transport Bureau' },
] as const satisfies readonly Department[]

export type DepartmentCode = (typeof DEPARTMENTS)[number]['code']

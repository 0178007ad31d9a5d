/**
 * How often each catalogue category happens, where, when and who reports it: the knobs of the incident-history
 * generator, kept apart from the catalogue because they describe the demo city, not the standard.
 * Numbers are relative weights, tuned by eye so the mix resembles published monthly reports of Chinese
 * digital-urban-management centres (garbage, parking and vending dominate; emergencies are rare).
 */

/** Where an incident happens: `residential` is the address-density background, the rest are hotspot places. */
export const PLACE_KINDS = ['residential', 'market', 'station', 'nightlife', 'school'] as const
export type PlaceKind = (typeof PLACE_KINDS)[number]

export const INCIDENT_SOURCES = ['citizen', 'grid_worker', 'camera', 'operator', 'patrol'] as const
export type IncidentSource = (typeof INCIDENT_SOURCES)[number]

/** Within a place and hour, how a category's share moves over the day (local time, index = hour). */
export const HOUR_SHAPES = {
  any: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
  day: [0.3, 0.2, 0.15, 0.15, 0.15, 0.3, 0.6, 1, 1.3, 1.5, 1.5, 1.5, 1.4, 1.3, 1.4, 1.4, 1.4, 1.3, 1.1, 0.9, 0.7, 0.5, 0.4, 0.3],
  evening: [0.8, 0.5, 0.3, 0.2, 0.2, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9, 1, 1, 1, 1, 1.1, 1.3, 1.6, 1.9, 2, 1.8, 1.4, 1.1],
  night: [2.5, 2.5, 2.2, 1.8, 1.2, 0.6, 0.3, 0.2, 0.2, 0.2, 0.3, 0.3, 0.4, 0.4, 0.4, 0.5, 0.5, 0.6, 0.8, 1, 1.3, 1.7, 2.2, 2.5],
  commute: [0.4, 0.3, 0.2, 0.2, 0.3, 0.6, 1.2, 1.9, 2, 1.3, 1, 1, 1.1, 1, 1, 1.1, 1.4, 1.9, 2, 1.5, 1, 0.8, 0.6, 0.5],
} as const satisfies Record<string, readonly number[]>
export type HourShape = keyof typeof HOUR_SHAPES

/**
 * Seasonal swing: the weight is multiplied by 1 + amplitude * cos(distance to the peak). Montevideo is in the
 * southern hemisphere: summer (January) brings nightlife and street trade, winter (July) storms and floods.
 */
export type Season = readonly ['summer' | 'winter', number]

/** Multiplier of a category's weight in a month (0 = January), from its seasonal peak. */
export function seasonFactor(season: Season | undefined, month: number): number {
  if (!season) return 1
  const peakMonth = season[0] === 'summer' ? 0 : 6
  return 1 + season[1] * Math.cos((2 * Math.PI * (month - peakMonth)) / 12)
}

export interface IncidentProfile {
  /** Relative frequency in each place kind, in PLACE_KINDS order. */
  readonly places: readonly [number, number, number, number, number]
  readonly hours: HourShape
  readonly season?: Season
  /** Relative weight of each source, in INCIDENT_SOURCES order, before shift hours are applied. */
  readonly sources: readonly [number, number, number, number, number]
  /** Short reports as a citizen or a grid worker would phrase them; one is picked per incident. */
  readonly descriptions: readonly string[]
}

// Who finds what: grid workers screen their grid for broken parts, citizens call about noise and emergencies.
const FOUND_ON_PATROL = [2, 6, 0.5, 0.5, 1] as const
const SEEN_IN_STREET = [3, 5, 2, 0.5, 1] as const
const STREET_ORDER = [3, 4, 4, 0.5, 2] as const
const NUISANCE = [8, 0.5, 0, 1, 1.5] as const
const EMERGENCY = [7, 1, 1, 2, 1.5] as const
const PUBLIC_ORDER = [6, 0.5, 2, 1.5, 3] as const

export const INCIDENT_PROFILES: Readonly<Record<string, IncidentProfile>> = {
  'PT-0101': { places: [4, 1, 1, 0.5, 0.5], hours: 'day', sources: FOUND_ON_PATROL, descriptions: ['上水井盖松动，车辆经过有异响', '上水井盖破裂'] },
  'PT-0102': { places: [4, 1.5, 1, 0.5, 0.5], hours: 'day', sources: FOUND_ON_PATROL, descriptions: ['污水井盖破损，有异味', '污水井盖下沉'] },
  'PT-0103': { places: [5, 1.5, 1.5, 0.5, 0.5], hours: 'day', season: ['winter', 0.5], sources: FOUND_ON_PATROL, descriptions: ['雨水箅子缺失', '雨水箅子被垃圾堵塞'] },
  'PT-0104': { places: [2, 0.5, 0.5, 0.3, 0.3], hours: 'day', sources: FOUND_ON_PATROL, descriptions: ['电力井盖破损', '电力井盖移位'] },
  'PT-0105': { places: [2, 0.5, 0.5, 0.3, 0.3], hours: 'day', sources: FOUND_ON_PATROL, descriptions: ['通信井盖破损', '通信井盖高出路面'] },
  'PT-0106': { places: [1.5, 0.5, 0.3, 0.2, 0.3], hours: 'day', sources: FOUND_ON_PATROL, descriptions: ['消防栓漏水', '消防栓被撞倾斜'] },
  'PT-0107': { places: [18, 3, 4, 4, 3], hours: 'evening', season: ['winter', 0.2], sources: FOUND_ON_PATROL, descriptions: ['路灯不亮', '路灯白天常亮', '路灯灯罩脱落'] },
  'PT-0108': { places: [3, 1, 1, 0.5, 0.5], hours: 'day', sources: FOUND_ON_PATROL, descriptions: ['配电箱箱门敞开', '配电箱锈蚀破损'] },
  'PT-0109': { places: [3, 1, 2, 1, 1], hours: 'day', sources: FOUND_ON_PATROL, descriptions: ['公共座椅断裂', '座椅螺丝松动'] },
  'PT-0201': { places: [3, 2, 4, 1, 2], hours: 'commute', sources: [4, 3, 2, 1, 2], descriptions: ['信号灯不亮', '信号灯故障常亮红灯'] },
  'PT-0202': { places: [5, 1.5, 3, 1, 2], hours: 'day', sources: FOUND_ON_PATROL, descriptions: ['交通标志牌倾斜', '标志牌被树枝遮挡'] },
  'PT-0203': { places: [3, 1, 3, 0.5, 2], hours: 'day', sources: FOUND_ON_PATROL, descriptions: ['护栏被撞变形', '护栏缺失一段'] },
  'PT-0204': { places: [3, 1, 12, 1, 1], hours: 'day', sources: FOUND_ON_PATROL, descriptions: ['候车亭玻璃破碎', '候车亭顶棚漏雨'] },
  'PT-0205': { places: [4, 0.5, 1, 0.5, 0.5], hours: 'day', sources: FOUND_ON_PATROL, descriptions: ['路名牌缺失', '路名牌字迹模糊'] },
  'PT-0206': { places: [3, 1.5, 2, 1, 1], hours: 'day', sources: FOUND_ON_PATROL, descriptions: ['隔离墩倒伏', '隔离墩缺失'] },
  'PT-0301': { places: [10, 6, 6, 5, 3], hours: 'day', sources: FOUND_ON_PATROL, descriptions: ['垃圾箱破损', '垃圾箱缺盖'] },
  'PT-0302': { places: [0.5, 3, 3, 1, 0], hours: 'day', sources: SEEN_IN_STREET, descriptions: ['公厕堵塞', '公厕未按时开放'] },
  'PT-0303': { places: [12, 4, 1, 1, 1], hours: 'day', sources: FOUND_ON_PATROL, descriptions: ['垃圾收集容器破损', '收集点容器被烧毁'] },
  'PT-0304': { places: [1, 1.5, 2, 1, 0.5], hours: 'day', season: ['winter', 0.4], sources: FOUND_ON_PATROL, descriptions: ['广告牌松动有坠落风险', '广告牌框架锈蚀'] },
  'PT-0401': { places: [12, 1, 1, 1, 2], hours: 'day', season: ['winter', 0.3], sources: FOUND_ON_PATROL, descriptions: ['行道树枝条遮挡路灯', '行道树倾斜', '树穴缺失'] },
  'PT-0402': { places: [5, 1, 1.5, 1, 1.5], hours: 'day', sources: FOUND_ON_PATROL, descriptions: ['绿地被踩踏裸露', '绿化带被占用'] },
  'PT-0501': { places: [0.5, 1, 1.5, 1, 0.5], hours: 'day', sources: [1, 3, 3, 2, 1], descriptions: ['监控立杆倾斜', '监控画面中断'] },
  'PT-0502': { places: [2, 0, 0, 0, 0.5], hours: 'day', sources: FOUND_ON_PATROL, descriptions: ['健身器材损坏', '健身器材松动存在隐患'] },

  'EV-0101': { places: [6, 2, 2, 1, 1], hours: 'day', sources: [4, 4, 1, 1, 1], descriptions: ['井盖缺失，有行人跌倒风险', '井盖破损塌陷', '井盖被盗'] },
  'EV-0102': { places: [20, 4, 6, 2, 3], hours: 'day', season: ['winter', 0.3], sources: SEEN_IN_STREET, descriptions: ['路面坑槽', '人行道地砖松动', '路面开裂'] },
  'EV-0103': { places: [1, 0.2, 0.3, 0.1, 0.1], hours: 'any', season: ['winter', 0.4], sources: EMERGENCY, descriptions: ['路面塌陷出现深坑', '路面下沉'] },
  'EV-0104': { places: [6, 1, 1, 0.5, 0.5], hours: 'any', sources: EMERGENCY, descriptions: ['供水管道破裂，路面冒水', '消防管漏水'] },
  'EV-0105': { places: [5, 0.5, 1, 0.5, 1], hours: 'any', season: ['winter', 0.8], sources: EMERGENCY, descriptions: ['大风刮倒树木阻断道路', '断枝悬挂有坠落风险'] },
  'EV-0106': { places: [3, 0.5, 0.5, 0.5, 0.3], hours: 'any', season: ['winter', 0.5], sources: EMERGENCY, descriptions: ['电线垂落至人行道', '线缆杂乱低垂'] },
  'EV-0201': { places: [40, 25, 8, 10, 4], hours: 'day', sources: SEEN_IN_STREET, descriptions: ['路边堆放生活垃圾', '垃圾未清运', '绿地内有暴露垃圾'] },
  'EV-0202': { places: [45, 20, 6, 10, 3], hours: 'day', season: ['summer', 0.2], sources: SEEN_IN_STREET, descriptions: ['垃圾桶满溢', '垃圾收集点满溢有异味'] },
  'EV-0203': { places: [12, 12, 8, 10, 2], hours: 'day', sources: SEEN_IN_STREET, descriptions: ['路面有油污', '人行道脏乱'] },
  'EV-0204': { places: [10, 2, 1, 0.5, 0.5], hours: 'day', sources: SEEN_IN_STREET, descriptions: ['路边倾倒建筑垃圾', '夜间偷倒渣土'] },
  'EV-0205': { places: [6, 4, 8, 3, 2], hours: 'day', sources: SEEN_IN_STREET, descriptions: ['电线杆张贴小广告', '墙面喷涂小广告'] },
  'EV-0206': { places: [6, 2, 5, 5, 3], hours: 'day', sources: SEEN_IN_STREET, descriptions: ['墙面乱涂乱画', '公共设施被涂鸦'] },
  'EV-0207': { places: [3, 0.5, 0.5, 0.2, 0.2], hours: 'day', season: ['summer', 0.3], sources: SEEN_IN_STREET, descriptions: ['路面有动物尸体', '绿地内发现动物尸体'] },
  'EV-0301': { places: [25, 45, 30, 20, 30], hours: 'day', sources: STREET_ORDER, descriptions: ['车辆占用人行道停放', '路口违停影响通行', '占用消防通道停车'] },
  'EV-0302': { places: [4, 45, 25, 6, 8], hours: 'day', season: ['summer', 0.3], sources: STREET_ORDER, descriptions: ['流动摊贩占道经营', '路口摆摊设点'] },
  'EV-0303': { places: [5, 25, 8, 12, 1], hours: 'day', sources: STREET_ORDER, descriptions: ['商户店外摆放货物', '店外占道经营'] },
  'EV-0304': { places: [3, 6, 12, 4, 3], hours: 'day', sources: STREET_ORDER, descriptions: ['共享单车乱停放', '电动车堵塞盲道'] },
  'EV-0305': { places: [3, 3, 1, 8, 0], hours: 'evening', season: ['summer', 0.6], sources: STREET_ORDER, descriptions: ['露天烧烤油烟扰民', '人行道烧烤'] },
  'EV-0306': { places: [3, 5, 10, 3, 0], hours: 'any', season: ['winter', 0.5], sources: [4, 3, 1, 1, 3], descriptions: ['有人在街头露宿需要救助', '寒夜露宿人员'] },
  'EV-0307': { places: [6, 2, 1, 1, 2], hours: 'day', sources: SEEN_IN_STREET, descriptions: ['流浪犬聚集', '流浪犬追咬行人'] },
  'EV-0401': { places: [18, 2, 2, 55, 1], hours: 'night', season: ['summer', 0.4], sources: NUISANCE, descriptions: ['深夜音乐声过大', '酒吧噪声扰民', '楼上装修噪声'] },
  'EV-0402': { places: [5, 0.5, 1, 1, 0.5], hours: 'evening', sources: NUISANCE, descriptions: ['夜间施工噪声', '工地凌晨作业'] },
  'EV-0403': { places: [1, 8, 3, 2, 0], hours: 'day', sources: NUISANCE, descriptions: ['商铺高音喇叭促销', '店外音响扰民'] },
  'EV-0501': { places: [4, 1, 1, 0.5, 0.5], hours: 'day', sources: FOUND_ON_PATROL, descriptions: ['无证开挖路面', '占道施工未设围挡'] },
  'EV-0502': { places: [2, 0.5, 1, 0.5, 0.5], hours: 'day', sources: FOUND_ON_PATROL, descriptions: ['施工围挡倒塌', '围挡破损'] },
  'EV-0503': { places: [3, 0.5, 1, 0.5, 0.5], hours: 'day', season: ['summer', 0.3], sources: FOUND_ON_PATROL, descriptions: ['工地扬尘严重', '渣土车未覆盖'] },
  'EV-0601': { places: [4, 1, 2, 0.5, 0.5], hours: 'any', season: ['winter', 0.8], sources: EMERGENCY, descriptions: ['暴雨后路面积水', '下穿通道积水'] },
  'EV-0602': { places: [3, 3, 1, 3, 1], hours: 'day', sources: EMERGENCY, descriptions: ['消防通道被堵塞', '私拉电线给电动车充电'] },
  'EV-0603': { places: [4, 4, 6, 4, 3], hours: 'commute', sources: EMERGENCY, descriptions: ['两车相撞', '车辆撞倒行人', '追尾事故'] },
  'EV-0604': { places: [1, 0.2, 0.1, 0.2, 0.1], hours: 'evening', season: ['winter', 0.6], sources: EMERGENCY, descriptions: ['闻到燃气味', '燃气管道泄漏'] },
  'EV-0605': { places: [1.2, 0.3, 0.2, 0.4, 0.1], hours: 'any', season: ['winter', 0.3], sources: EMERGENCY, descriptions: ['垃圾桶起火', '住宅冒烟'] },
  'EV-0701': { places: [8, 1, 0, 2, 0], hours: 'evening', sources: [6, 2, 0, 1, 1], descriptions: ['邻里因停车发生纠纷', '楼上漏水引发纠纷'] },
  'EV-0702': { places: [1, 1.5, 2, 12, 1.5], hours: 'night', sources: PUBLIC_ORDER, descriptions: ['多人街头斗殴', '酒吧门口打架'] },
  'EV-0703': { places: [5, 8, 10, 6, 3], hours: 'any', sources: PUBLIC_ORDER, descriptions: ['手机被盗', '商铺被盗', '自行车被盗'] },
  'EV-0704': { places: [5, 3, 3, 5, 1], hours: 'night', sources: PUBLIC_ORDER, descriptions: ['车窗被砸', '摩托车被盗'] },
  'EV-0705': { places: [1, 1, 2, 14, 0], hours: 'night', season: ['summer', 0.3], sources: PUBLIC_ORDER, descriptions: ['醉酒人员滋事', '醉酒人员躺卧路边'] },
  'EV-0706': { places: [0.3, 0.5, 1, 0.3, 0.3], hours: 'any', sources: PUBLIC_ORDER, descriptions: ['车站发现无人看管包裹', '可疑物品'] },
}

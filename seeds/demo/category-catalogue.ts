import type { Category, CategoryPriority, MajorCategory } from '../../geo/catalogue/category.ts'
import type { DepartmentCode } from './departments.ts'

/**
 * The demo city's case catalogue, modelled on the classes of the digital-urban-management standards
 * (GB/T 30428 parts and events) plus the public-order classes a joint command centre also receives.
 * Limits are calendar minutes per step (see stepLimitsSchema): hazards to life are made safe within hours,
 * appearance issues get days. EV-0101 (missing manhole cover) is referenced by the Open311 sample payload.
 */
export const MAJOR_CATEGORIES: readonly MajorCategory[] = [
  { code: 'PT-01', kind: 'part', nameZh: '公用设施', nameEn: 'Public utilities' },
  { code: 'PT-02', kind: 'part', nameZh: '道路交通', nameEn: 'Roads and traffic' },
  { code: 'PT-03', kind: 'part', nameZh: '市容环境', nameEn: 'City appearance' },
  { code: 'PT-04', kind: 'part', nameZh: '园林绿化', nameEn: 'Greenery' },
  { code: 'PT-05', kind: 'part', nameZh: '其他设施', nameEn: 'Other facilities' },
  { code: 'EV-01', kind: 'event', nameZh: '设施安全', nameEn: 'Facility hazards' },
  { code: 'EV-02', kind: 'event', nameZh: '市容环境', nameEn: 'City appearance' },
  { code: 'EV-03', kind: 'event', nameZh: '街面秩序', nameEn: 'Street order' },
  { code: 'EV-04', kind: 'event', nameZh: '噪声扰民', nameEn: 'Noise' },
  { code: 'EV-05', kind: 'event', nameZh: '施工管理', nameEn: 'Construction sites' },
  { code: 'EV-06', kind: 'event', nameZh: '突发事件', nameEn: 'Emergencies' },
  { code: 'EV-07', kind: 'event', nameZh: '社会治安', nameEn: 'Public order' },
]

const H = 60
const D = 24 * H

/** [file, dispatch, handle, verify] in minutes. */
type Limits = readonly [number, number, number, number]

function category(
  code: string, nameZh: string, nameEn: string, departmentCode: DepartmentCode, priority: CategoryPriority,
  [file, dispatch, handle, verify]: Limits, disposalPlan: string,
): Category {
  return {
    code,
    kind: code.startsWith('PT') ? 'part' : 'event',
    majorCode: code.slice(0, 5),
    nameZh, nameEn, departmentCode, priority,
    limitsMinutes: { file, dispatch, handle, verify },
    disposalPlan,
  }
}

export const CATEGORY_CATALOGUE: readonly Category[] = [
  // Parts: a damaged, missing or faulty fixed object; the owner department repairs it.
  category('PT-0101', '上水井盖', 'Water supply manhole cover', 'WATER', 2, [30, 30, 8 * H, 4 * H], '设置警示，8小时内补齐或更换井盖，恢复平整'),
  category('PT-0102', '污水井盖', 'Sewer manhole cover', 'WATER', 2, [30, 30, 8 * H, 4 * H], '设置警示，8小时内补齐或更换井盖，清除溢流'),
  category('PT-0103', '雨水箅子', 'Storm drain grate', 'WATER', 2, [30, 30, 12 * H, 4 * H], '补齐或更换箅子，清掏堵塞物，保证排水通畅'),
  category('PT-0104', '电力井盖', 'Power manhole cover', 'POWER', 2, [30, 30, 8 * H, 4 * H], '设置警示，补齐或更换井盖，检查线缆安全'),
  category('PT-0105', '通信井盖', 'Telecom manhole cover', 'TELECOM', 2, [30, 60, 12 * H, 4 * H], '设置警示，补齐或更换井盖，恢复平整'),
  category('PT-0106', '消防栓', 'Fire hydrant', 'FIRE', 2, [30, 30, 1 * D, 4 * H], '止漏并修复或更换，确保随时可用'),
  category('PT-0107', '路灯', 'Street lamp', 'MUNICIPAL', 3, [60, 2 * H, 2 * D, 1 * D], '更换灯具或修复线路，夜间亮灯正常'),
  category('PT-0108', '配电箱', 'Electrical cabinet', 'POWER', 2, [30, 30, 8 * H, 4 * H], '关闭箱门并加锁，修复破损，排除触电隐患'),
  category('PT-0109', '公共座椅', 'Public bench', 'MUNICIPAL', 4, [2 * H, 4 * H, 5 * D, 1 * D], '修复或更换破损座椅，无尖锐断口'),
  category('PT-0201', '交通信号灯', 'Traffic light', 'TRAFFIC_POLICE', 1, [15, 15, 4 * H, 2 * H], '现场疏导交通，4小时内恢复信号灯正常运行'),
  category('PT-0202', '交通标志牌', 'Traffic sign', 'TRAFFIC_POLICE', 3, [60, 2 * H, 3 * D, 1 * D], '扶正、修复或更换标志牌，内容清晰可见'),
  category('PT-0203', '道路护栏', 'Road guardrail', 'MUNICIPAL', 3, [60, 2 * H, 2 * D, 1 * D], '修复或更换护栏，连续完好无缺口'),
  category('PT-0204', '公交候车亭', 'Bus shelter', 'TRANSPORT', 3, [60, 2 * H, 3 * D, 1 * D], '修复顶棚、玻璃及座椅，清除碎片'),
  category('PT-0205', '路名牌', 'Street name sign', 'MUNICIPAL', 4, [2 * H, 4 * H, 5 * D, 1 * D], '修复或更换路名牌，信息准确'),
  category('PT-0206', '隔离墩', 'Bollard', 'MUNICIPAL', 3, [60, 2 * H, 3 * D, 1 * D], '扶正或更换隔离墩，清除散落物'),
  category('PT-0301', '垃圾箱', 'Litter bin', 'SANITATION', 4, [2 * H, 4 * H, 3 * D, 1 * D], '修复或更换垃圾箱，周边清洁'),
  category('PT-0302', '公共厕所', 'Public toilet', 'SANITATION', 3, [60, 2 * H, 1 * D, 8 * H], '修复设施，恢复开放，保持清洁无异味'),
  category('PT-0303', '垃圾收集点', 'Waste collection point', 'SANITATION', 3, [60, 2 * H, 1 * D, 8 * H], '修复收集容器，清运并冲洗地面'),
  category('PT-0304', '户外广告设施', 'Billboard structure', 'URBAN_ENFORCEMENT', 2, [30, 60, 1 * D, 4 * H], '加固或拆除存在坠落隐患的广告设施'),
  category('PT-0401', '行道树', 'Street tree', 'LANDSCAPE', 3, [60, 2 * H, 3 * D, 1 * D], '修剪、扶正或补植，消除遮挡和隐患'),
  category('PT-0402', '绿地', 'Green belt', 'LANDSCAPE', 4, [2 * H, 4 * H, 7 * D, 2 * D], '补植修复受损绿地，清除杂物'),
  category('PT-0501', '治安监控设施', 'Surveillance camera pole', 'POLICE_STATION', 3, [60, 2 * H, 2 * D, 1 * D], '修复或更换设备，恢复图像接入'),
  category('PT-0502', '健身器材', 'Fitness equipment', 'SUBDISTRICT', 3, [60, 2 * H, 3 * D, 1 * D], '停用并修复或更换破损器材，设置告示'),

  // Events: something that happened; enforcement, cleaning or emergency services act.
  category('EV-0101', '井盖缺失', 'Missing or broken manhole cover', 'MUNICIPAL', 1, [15, 15, 4 * H, 60], '30分钟内到场设置围挡警示，4小时内补盖或更换，路面平整'),
  category('EV-0102', '道路破损', 'Road damage / pothole', 'MUNICIPAL', 2, [30, 60, 2 * D, 8 * H], '设置警示，修补坑槽，路面平整无松散'),
  category('EV-0103', '路面塌陷', 'Road subsidence', 'MUNICIPAL', 1, [15, 15, 4 * H, 2 * H], '立即封闭围挡并疏导交通，排查地下管线后修复'),
  category('EV-0104', '供水管道漏水', 'Water main leak', 'WATER', 2, [30, 30, 8 * H, 4 * H], '关阀止漏，抢修管道，清理积水'),
  category('EV-0105', '树木倒伏', 'Fallen tree or branch', 'LANDSCAPE', 1, [15, 15, 4 * H, 2 * H], '清除倒伏树木和断枝，恢复通行'),
  category('EV-0106', '线缆垂落', 'Sagging or fallen cables', 'POWER', 1, [15, 15, 4 * H, 2 * H], '设置警戒，断电处置并重新架设或入地'),
  category('EV-0201', '暴露垃圾', 'Exposed garbage', 'SANITATION', 3, [60, 60, 8 * H, 4 * H], '当日清运，地面无残留'),
  category('EV-0202', '垃圾满溢', 'Overflowing bins', 'SANITATION', 3, [60, 60, 4 * H, 4 * H], '清运满溢垃圾，冲洗周边地面'),
  category('EV-0203', '道路不洁', 'Dirty street', 'SANITATION', 4, [2 * H, 2 * H, 8 * H, 8 * H], '清扫保洁，无明显垃圾和污渍'),
  category('EV-0204', '乱倒渣土', 'Dumped construction waste', 'URBAN_ENFORCEMENT', 3, [60, 2 * H, 1 * D, 8 * H], '清运渣土，追查倾倒责任人并依法处罚'),
  category('EV-0205', '非法小广告', 'Illegal flyers', 'URBAN_ENFORCEMENT', 4, [2 * H, 4 * H, 2 * D, 1 * D], '清除小广告，依法查处发布者'),
  category('EV-0206', '乱涂乱画', 'Graffiti', 'SUBDISTRICT', 4, [2 * H, 4 * H, 3 * D, 1 * D], '清洗或覆盖涂鸦，墙面整洁'),
  category('EV-0207', '动物尸体', 'Animal carcass', 'SANITATION', 2, [30, 60, 4 * H, 4 * H], '清理并消毒现场'),
  category('EV-0301', '违章停车', 'Illegal parking', 'TRAFFIC_POLICE', 3, [30, 30, 2 * H, 2 * H], '劝离或贴单处罚，必要时拖移，恢复通行'),
  category('EV-0302', '占道经营', 'Street vending', 'URBAN_ENFORCEMENT', 3, [60, 60, 4 * H, 4 * H], '劝导疏导至规定区域，拒不改正的依法处置'),
  category('EV-0303', '店外经营', 'Business spilling onto pavement', 'URBAN_ENFORCEMENT', 4, [60, 2 * H, 8 * H, 8 * H], '责令退回店内经营，恢复人行道通行'),
  category('EV-0304', '非机动车乱停放', 'Bikes and scooters blocking pavement', 'TRANSPORT', 4, [60, 2 * H, 8 * H, 8 * H], '整理归位，通知运营企业清运'),
  category('EV-0305', '露天烧烤', 'Open-air barbecue', 'URBAN_ENFORCEMENT', 3, [30, 30, 2 * H, 2 * H], '劝导停止，清理油烟污染'),
  category('EV-0306', '流浪人员救助', 'Homeless person needing help', 'SUBDISTRICT', 3, [60, 60, 8 * H, 4 * H], '联系救助站，劝导并提供救助'),
  category('EV-0307', '流浪动物', 'Stray animals', 'SUBDISTRICT', 3, [60, 2 * H, 1 * D, 8 * H], '联系收容机构捕捉安置'),
  category('EV-0401', '社会生活噪声', 'Neighbourhood and venue noise', 'POLICE_STATION', 3, [30, 30, 2 * H, 2 * H], '到场劝导降低音量，屡劝不改的依法处理'),
  category('EV-0402', '施工噪声', 'Construction noise', 'URBAN_ENFORCEMENT', 3, [30, 60, 4 * H, 4 * H], '夜间无许可施工责令停工，依法处罚'),
  category('EV-0403', '商业噪声', 'Shop loudspeaker noise', 'URBAN_ENFORCEMENT', 4, [60, 2 * H, 8 * H, 8 * H], '责令停止使用高音喇叭，登记备案'),
  category('EV-0501', '无证占道施工', 'Unpermitted street works', 'URBAN_ENFORCEMENT', 3, [60, 2 * H, 1 * D, 8 * H], '核查许可，无证的责令停工并恢复路面'),
  category('EV-0502', '施工围挡破损', 'Damaged site hoarding', 'URBAN_ENFORCEMENT', 3, [60, 2 * H, 1 * D, 8 * H], '责令施工单位修复围挡，设置警示'),
  category('EV-0503', '施工扬尘', 'Construction dust', 'URBAN_ENFORCEMENT', 3, [60, 2 * H, 1 * D, 8 * H], '责令覆盖洒水，车辆冲洗后出场'),
  category('EV-0601', '道路积水', 'Street flooding', 'WATER', 1, [15, 15, 4 * H, 2 * H], '设置警示，疏通排水口，抽排积水'),
  category('EV-0602', '消防隐患', 'Fire hazard', 'FIRE', 2, [30, 60, 1 * D, 8 * H], '清理消防通道和可燃物，整改私拉电线'),
  category('EV-0603', '交通事故', 'Traffic collision', 'TRAFFIC_POLICE', 1, [10, 10, 60, 60], '到场救助伤员，勘查现场，快速撤除恢复通行'),
  category('EV-0604', '燃气泄漏', 'Gas leak', 'FIRE', 1, [10, 10, 2 * H, 60], '疏散人员，关阀止漏，排除险情'),
  category('EV-0605', '火情', 'Fire', 'FIRE', 1, [5, 5, 2 * H, 60], '出警灭火，救助被困人员，查明火因'),
  category('EV-0701', '邻里纠纷', 'Neighbour dispute', 'SUBDISTRICT', 3, [60, 2 * H, 1 * D, 8 * H], '社区调解，达成协议并回访'),
  category('EV-0702', '打架斗殴', 'Street fight', 'POLICE_STATION', 1, [10, 10, 60, 2 * H], '立即出警制止，救治伤员，依法处理'),
  category('EV-0703', '盗窃', 'Theft', 'POLICE_STATION', 2, [30, 30, 8 * H, 1 * D], '出警登记，调取监控，立案侦查'),
  category('EV-0704', '车辆被盗被撬', 'Vehicle theft or break-in', 'POLICE_STATION', 2, [30, 30, 8 * H, 1 * D], '出警勘查，调取监控，立案侦查'),
  category('EV-0705', '醉酒滋事', 'Drunken disorder', 'POLICE_STATION', 2, [15, 15, 2 * H, 2 * H], '到场控制，醉酒人员交家属或送医'),
  category('EV-0706', '可疑物品', 'Suspicious object', 'POLICE_STATION', 1, [10, 10, 2 * H, 60], '设置警戒，疏散人员，专业人员排查'),
]

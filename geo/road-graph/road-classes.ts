/** The OSM tags the road graph reads from a way. */
export interface RoadTags {
  '@id'?: number | null
  highway: string
  name?: string
  oneway?: string
  junction?: string
  maxspeed?: string
}

export const DRIVABLE_CLASSES = [
  'motorway',
  'motorway_link',
  'trunk',
  'trunk_link',
  'primary',
  'primary_link',
  'secondary',
  'secondary_link',
  'tertiary',
  'tertiary_link',
  'unclassified',
  'residential',
  'living_street',
  'service',
  'road',
] as const

export type RoadClass = (typeof DRIVABLE_CLASSES)[number]

export type SpeedTable = Readonly<Record<RoadClass, number>>

/** Typical travel speeds of an urban patrol car (not running with lights), junction delays included. */
export const DEFAULT_SPEEDS_KMH: SpeedTable = {
  motorway: 90,
  motorway_link: 50,
  trunk: 60,
  trunk_link: 40,
  primary: 45,
  primary_link: 35,
  secondary: 40,
  secondary_link: 30,
  tertiary: 35,
  tertiary_link: 30,
  unclassified: 30,
  residential: 30,
  living_street: 10,
  service: 15,
  road: 25,
}

const DRIVABLE: ReadonlySet<string> = new Set(DRIVABLE_CLASSES)

export function isDrivable(highway: string | undefined): highway is RoadClass {
  return highway !== undefined && DRIVABLE.has(highway)
}

/**
 * 1: only along the geometry, -1: only against it, 0: both ways.
 * Roundabouts and motorways are one-way by OSM convention unless tagged otherwise.
 */
export function parseOneway(tags: Pick<RoadTags, 'highway' | 'oneway' | 'junction'>): 1 | 0 | -1 {
  switch (tags.oneway?.trim().toLowerCase()) {
    case 'yes':
    case '1':
    case 'true':
      return 1
    case '-1':
    case 'reverse':
      return -1
    // Reversible lanes change direction by time of day, which the graph does not model; dropping them
    // could disconnect the network, so they are kept as two-way.
    case 'reversible':
    case 'alternating':
    case 'no':
    case '0':
    case 'false':
      return 0
  }
  const junction = tags.junction?.trim().toLowerCase()
  return junction === 'roundabout' || junction === 'circular' || tags.highway === 'motorway' ? 1 : 0
}

const MPH_TO_KMH = 1.609344

/** A posted `maxspeed` in km/h, or null when absent or not numeric (`none`, `walk`, `UY:urban`...). */
export function parseMaxspeedKmh(value: string | undefined): number | null {
  const match = value?.trim().toLowerCase().match(/^(\d+(?:\.\d+)?)\s*(km\/h|kmh|kph|mph)?$/)
  if (!match) return null
  const speed = Number(match[1]) * (match[2] === 'mph' ? MPH_TO_KMH : 1)
  return speed > 0 ? speed : null
}

export function travelSpeedKmh(
  roadClass: RoadClass,
  maxspeed: string | undefined,
  speeds: SpeedTable = DEFAULT_SPEEDS_KMH,
): number {
  // A posted limit caps speed but is not a travel speed; the class default already includes junction delays.
  return Math.min(speeds[roadClass], parseMaxspeedKmh(maxspeed) ?? Infinity)
}

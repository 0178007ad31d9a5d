import { CODE_LENGTHS } from '../../geo/grids/grid-codes.ts'

const PREFIX_LENGTHS = [CODE_LENGTHS.city, CODE_LENGTHS.street, CODE_LENGTHS.community, CODE_LENGTHS.grid]

/**
 * The rooms an item in a grid is published to: one per enclosing area (city, street, community, grid), so a client
 * scoped to any of them hears exactly what lies inside its area. An item outside every grid goes to the city room.
 */
export function roomsForGrid(layer: string, gridCode: string | null, cityCode: string): string[] {
  if (!gridCode) return [room(layer, cityCode)]
  return PREFIX_LENGTHS.map((n) => room(layer, gridCode.slice(0, n)))
}

export const room = (layer: string, areaCode: string) => `${layer}:${areaCode}`

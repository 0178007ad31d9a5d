import { CODE_LENGTHS } from '../../geo/grids/grid-codes.ts'
import type { Principal } from '../auth/principal.ts'
import { coversArea } from '../auth/area-scope.ts'

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

/** The area a principal's live view starts with: the whole city, or its first granted area. */
export function homeArea(principal: Principal, cityCode: string): string {
  return principal.areas === 'all' ? cityCode : (principal.areas[0] ?? '')
}

/**
 * The area a `subscribe` asks for (`area`, default the socket's home area) if the socket's principal may watch
 * it, else the error to acknowledge. The city room also carries items outside every grid, so it is only for
 * principals who see the whole city; everyone else subscribes to areas inside a grant.
 */
export function subscriptionArea(
  data: { principal?: Principal; jurisdiction?: string },
  request: unknown,
): { area: string } | { error: { code: string; message: string } } {
  const asked = (request as { area?: unknown } | null)?.area
  if (asked !== undefined && (typeof asked !== 'string' || !/^\d{1,15}$/.test(asked))) {
    return { error: { code: 'invalid_request', message: 'area: expected an area code' } }
  }
  const area = asked ?? data.jurisdiction ?? ''
  if (!data.principal || !area || !coversArea(data.principal, area)) {
    return { error: { code: 'forbidden', message: `area ${area || '(none)'} is outside your jurisdiction` } }
  }
  return { area }
}

import type { Principal } from './principal.ts'

/**
 * The SQL condition that limits `column` (a grid code) to the principal's jurisdiction, so scoping happens in the
 * query itself. Pushes its one parameter onto `params`. Rows outside every grid (NULL code) are city-wide only.
 */
export function areaScope(principal: Principal, column: string, params: unknown[]): string {
  if (principal.areas === 'all') return 'TRUE'
  params.push(principal.areas.map((code) => `${code.replace(/[\\%_]/g, '\\$&')}%`))
  return `(${column} LIKE ANY($${params.length}::text[]))`
}

/**
 * Areas a principal may see on the map: those under its grants and those a grant lies in (its street's and city's
 * outlines), as a SQL condition on an area-code column.
 */
export function areaOutlineScope(principal: Principal, column: string, params: unknown[]): string {
  if (principal.areas === 'all') return 'TRUE'
  const under = areaScope(principal, column, params)
  params.push(principal.areas)
  return `(${under} OR EXISTS (SELECT 1 FROM unnest($${params.length}::text[]) AS granted(area) WHERE starts_with(granted.area, ${column})))`
}

/** Whether an area (or grid) code lies inside the principal's jurisdiction: for socket rooms, which are not SQL. */
export function coversArea(principal: Principal, areaCode: string): boolean {
  return principal.areas === 'all' || principal.areas.some((code) => areaCode.startsWith(code))
}

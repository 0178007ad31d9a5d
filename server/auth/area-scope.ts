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

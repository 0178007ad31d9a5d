export const IMPORT_KINDS = ['grids', 'roads', 'cameras', 'units'] as const
export type ImportKind = (typeof IMPORT_KINDS)[number]

export type FileFormat = 'geojson' | 'csv'

/** Areas and roads need shapes; cameras and units are points, which a spreadsheet holds as well as GeoJSON. */
export const FORMATS_OF_KIND: Readonly<Record<ImportKind, readonly FileFormat[]>> = {
  grids: ['geojson'],
  roads: ['geojson'],
  cameras: ['geojson', 'csv'],
  units: ['geojson', 'csv'],
}

const baseName = (path: string) => path.split(/[\\/]/).pop()!.toLowerCase()

export function formatOfFile(path: string): FileFormat | null {
  const name = baseName(path)
  return /\.(geo)?json$/.test(name) ? 'geojson' : name.endsWith('.csv') ? 'csv' : null
}

/** The kind named in the file's base name (`city-roads.geojson`), or null when it names none or several. */
export function kindOfFile(path: string): ImportKind | null {
  const name = baseName(path)
  const named = IMPORT_KINDS.filter((k) => name.includes(k))
  return named.length === 1 ? named[0] : null
}

/** Why this file cannot hold this kind, or null. */
export function formatProblem(path: string, kind: ImportKind): string | null {
  const format = formatOfFile(path)
  if (format && FORMATS_OF_KIND[kind].includes(format)) return null
  return `${kind} are read from ${FORMATS_OF_KIND[kind].map((f) => `.${f}`).join(' or ')} files`
}

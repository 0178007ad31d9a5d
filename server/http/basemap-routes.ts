import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Router, type Response } from 'express'
import { HttpError } from './http-error.ts'

interface TileRange {
  minzoom: number
  maxzoom: number
}

// Baked tiles never change under a given bake; a re-bake ships with a new server start, so a day is safe
// for tiles and a short time for the TileJSON that says what exists.
const TILE_CACHE = 'public, max-age=86400'
const TILEJSON_CACHE = 'public, max-age=300'
const COORD = /^\d{1,10}$/

/** The pre-baked offline basemap: `/basemap/tiles.json` and `/basemap/{z}/{x}/{y}.pbf` from `tileDir`. */
export function basemapRouter(tileDir: string): Router {
  const r = Router()
  let range: Promise<TileRange> | undefined
  // The bake may finish after the server starts, so a failed read is retried on the next request.
  const loadRange = (): Promise<TileRange> =>
    (range ??= readTileJson(tileDir).catch((err) => {
      range = undefined
      throw err
    }))

  r.get('/basemap/tiles.json', async (req, res) => {
    const tileJson = await readTileJson(tileDir)
    // The bake cannot know where it will be served from; TileJSON consumers expect absolute tile URLs.
    const tiles = [`${req.protocol}://${req.get('host')}${req.baseUrl}/basemap/{z}/{x}/{y}.pbf`]
    res.set('Cache-Control', TILEJSON_CACHE).json({ ...tileJson, tiles })
  })

  r.get('/basemap/:z/:x/:y.pbf', async (req, res) => {
    const [z, x, y] = [req.params.z, req.params.x, req.params.y].map(parseCoord)
    if (z === undefined || x === undefined || y === undefined || z > 30 || x >= 2 ** z || y >= 2 ** z) {
      throw new HttpError(400, 'invalid_tile', `no tile ${req.params.z}/${req.params.x}/${req.params.y} exists`)
    }
    const { minzoom, maxzoom } = await loadRange()
    if (z < minzoom || z > maxzoom) {
      throw new HttpError(404, 'zoom_out_of_range', `the basemap has zooms ${minzoom}..${maxzoom}`)
    }
    const tile = await readTile(join(tileDir, String(z), String(x), `${y}.pbf`))
    sendTile(res, tile)
  })
  return r
}

function parseCoord(s: string): number | undefined {
  return COORD.test(s) ? Number(s) : undefined
}

async function readTileJson(tileDir: string): Promise<TileRange & Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(join(tileDir, 'tiles.json'), 'utf8'))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new HttpError(503, 'basemap_not_baked', 'the basemap has not been baked yet')
    }
    throw err
  }
}

async function readTile(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

/** The bake skips empty tiles, so a missing file inside the range is an empty tile, not an error. */
function sendTile(res: Response, tile: Buffer | undefined): void {
  res.set('Cache-Control', TILE_CACHE)
  if (!tile) {
    res.status(204).end()
    return
  }
  res.type('application/x-protobuf').send(tile)
}

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../logger.ts'
import { basemapRouter } from './basemap-routes.ts'
import { errorHandler, notFoundHandler } from './http-error.ts'

// The router only passes bytes through, so any bytes stand in for a baked tile.
const TILE = Buffer.from([0x1a, 0x05, 0x0a, 0x03, 0x66, 0x6f, 0x6f])

describe('basemap routes', () => {
  let dir: string
  let server: Server
  let base: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gw-basemap-routes-'))
    const baked = join(dir, 'baked')
    mkdirSync(join(baked, '14', '5621'), { recursive: true })
    writeFileSync(join(baked, '14', '5621', '9886.pbf'), TILE)
    writeFileSync(join(baked, 'tiles.json'), JSON.stringify({ tilejson: '3.0.0', minzoom: 10, maxzoom: 16, tiles: ['/basemap/{z}/{x}/{y}.pbf'] }))
    const app = express()
    app.use('/baked', basemapRouter(baked))
    app.use('/unbaked', basemapRouter(join(dir, 'nothing-here')))
    app.use(notFoundHandler)
    app.use(errorHandler(createLogger('silent', false)))
    server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
    rmSync(dir, { recursive: true, force: true })
  })

  it('serves a baked tile as protobuf with a long cache lifetime', async () => {
    const res = await fetch(`${base}/baked/basemap/14/5621/9886.pbf`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/x-protobuf')
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d{5,}/)
    expect(Buffer.from(await res.arrayBuffer())).toEqual(TILE)
  })

  it('answers 204 for a tile inside the zoom range that the bake left out as empty', async () => {
    const res = await fetch(`${base}/baked/basemap/14/5621/9887.pbf`)
    expect(res.status).toBe(204)
    expect(await res.text()).toBe('')
  })

  it.each([
    ['not a number', '14/abc/9886'],
    ['negative', '14/-1/9886'],
    ['x beyond the zoom', '3/8/1'],
    ['y beyond the zoom', '3/1/8'],
    ['fractional', '14/5621.5/9886'],
  ])('answers 400 with a JSON error for malformed coordinates (%s)', async (_, zxy) => {
    const res = await fetch(`${base}/baked/basemap/${zxy}.pbf`)
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_tile' } })
  })

  it('answers 404 for zooms the bake does not cover', async () => {
    const res = await fetch(`${base}/baked/basemap/17/0/0.pbf`)
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: { code: 'zoom_out_of_range' } })
  })

  it('serves tiles.json with an absolute tile URL for whoever asks', async () => {
    const res = await fetch(`${base}/baked/basemap/tiles.json`)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toMatch(/max-age=/)
    expect(await res.json()).toMatchObject({ minzoom: 10, maxzoom: 16, tiles: [`${base}/baked/basemap/{z}/{x}/{y}.pbf`] })
  })

  it('says the basemap is not baked yet rather than failing', async () => {
    for (const path of ['tiles.json', '14/5621/9886.pbf']) {
      const res = await fetch(`${base}/unbaked/basemap/${path}`)
      expect(res.status).toBe(503)
      expect(await res.json()).toMatchObject({ error: { code: 'basemap_not_baked' } })
    }
  })
})

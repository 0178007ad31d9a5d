import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'

const root = fileURLToPath(new URL('./client/', import.meta.url))
// Every HTML file at the top of client/ is a page: adding one needs no change here.
const pages = readdirSync(root)
  .filter((f) => f.endsWith('.html'))
  .map((f) => f.slice(0, -'.html'.length))

// The dev server answers pages itself and leaves data to the real server (`npm run dev`, port 8080).
const backend = process.env.GRIDWATCH_BACKEND ?? 'http://localhost:8080'

/**
 * What every page's <head> begins with, so that a page's own file holds only what is its own (its stylesheet).
 * Put in before Vite reads the page, so the shared stylesheet is bundled like any other.
 */
const sharedHead: Plugin = {
  name: 'gridwatch-shared-head',
  transformIndexHtml: {
    order: 'pre',
    handler: (html) =>
      html.replace(
        '<head>',
        `<head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <link rel="icon" href="./favicon.svg" type="image/svg+xml" />
    <title>gridwatch</title>
    <link rel="stylesheet" href="./ui.css" />`,
      ),
  },
}

export default defineConfig({
  root,
  plugins: [sharedHead],
  base: './',
  define: { __GW_PAGES__: JSON.stringify(pages) },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // MapLibre (and later deck.gl) are single large chunks; served from the same machine, size is not latency.
    chunkSizeWarningLimit: 2500,
    rolldownOptions: { input: Object.fromEntries(pages.map((p) => [p, `${root}${p}.html`])) },
  },
  server: {
    proxy: Object.fromEntries(['/api', '/basemap', '/socket.io'].map((path) => [path, { target: backend, ws: true }])),
  },
})

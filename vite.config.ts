import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const root = fileURLToPath(new URL('./client/', import.meta.url))
// Every HTML file at the top of client/ is a page: adding one needs no change here.
const pages = readdirSync(root)
  .filter((f) => f.endsWith('.html'))
  .map((f) => f.slice(0, -'.html'.length))

// The dev server answers pages itself and leaves data to the real server (`npm run dev`, port 8080).
const backend = process.env.GRIDWATCH_BACKEND ?? 'http://localhost:8080'

export default defineConfig({
  root,
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

import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['{geo,server,seeds,client,bench}/**/*.test.ts'],
    // A cold PGlite+PostGIS start takes ~15 s and a seeded city longer; keep files parallel but generous.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    globalSetup: ['./server/testing/global-setup.ts'],
  },
})

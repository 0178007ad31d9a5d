/// <reference types="vite/client" />

/** The HTML pages that exist in client/, injected by vite.config.ts. */
declare const __GW_PAGES__: string[]

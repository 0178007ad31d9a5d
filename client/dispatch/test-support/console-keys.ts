import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import type { DispatchProbe } from '../main.ts'

/** Reads the page's probe inside page functions (set up by `waitReady`). */
declare function probe(): DispatchProbe

/** Waits for the console to report ready, and makes `probe()` available inside page functions. */
export async function waitReady(page: Page): Promise<void> {
  // Evaluated by the test driver, so the page's Content-Security-Policy (no inline scripts) does not apply.
  await page.evaluate(() => Object.assign(window, { probe: () => (window as unknown as { __gridwatch: DispatchProbe }).__gridwatch }))
  await page.waitForFunction(() => probe().ready || probe().error, null, { timeout: 90_000 })
  expect(await page.evaluate(() => probe().error)).toBeUndefined()
}

export async function clearFilter(page: Page): Promise<void> {
  await page.keyboard.press('/')
  await page.keyboard.press('Control+A')
  await page.keyboard.press('Backspace')
  await page.keyboard.press('Enter')
}

/** `/` to filter, the case number, Enter to leave the field, `j` to take the first match; then until it has loaded. */
export async function selectByKeys(page: Page, id: number): Promise<void> {
  await page.keyboard.press('Escape')
  await page.keyboard.press('/')
  await page.keyboard.press('Control+A')
  await page.keyboard.type(`#${id}`)
  await page.keyboard.press('Enter')
  await page.waitForFunction((x) => probe().queue[0] === x, id)
  await page.keyboard.press('j')
  await page.waitForFunction((x) => probe().selected === x && probe().selectedState !== null, id)
}

import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { RequestHandler } from 'express'
import type { Authenticator } from './authenticate.ts'
import { setSessionCookie } from './authenticate.ts'

/** Pages anyone may open: the start page and the login form. */
const OPEN_PAGES = new Set(['index', 'login'])

/**
 * Pages need a session: without one the browser is sent to the login form, which comes back here afterwards.
 * A kiosk (the wall) cannot type a password, so a page URL may carry `?token=<API token>` once: it becomes the
 * session cookie and the browser is redirected to the same URL without it, so the token leaves the address bar.
 */
export function pageGate(auth: Authenticator, clientDist: string): RequestHandler {
  return async (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next()
    const m = /^\/([a-z][a-z0-9-]*)(?:\.html)?$/.exec(req.path)
    if (!m || OPEN_PAGES.has(m[1]) || !existsSync(join(clientDist, `${m[1]}.html`))) return next()
    try {
      const url = new URL(req.originalUrl, 'http://page')
      const token = url.searchParams.get('token')
      if (token !== null) {
        url.searchParams.delete('token')
        const principal = await auth.principalOf(token)
        if (!principal) {
          res.redirect(302, `${loginUrl(url)}&expired=1`)
          return
        }
        // A session cookie (no expiry): the kiosk keeps its start URL with the token for the next boot.
        setSessionCookie(req, res, token, undefined)
        res.redirect(302, url.pathname + url.search)
        return
      }
      if (req.principal) return next()
      res.redirect(302, loginUrl(url))
    } catch (err) {
      next(err)
    }
  }
}

/** The login form, coming back to this page afterwards, in the page's language. */
function loginUrl(page: URL): string {
  const lang = page.searchParams.get('lang')
  return `/login?next=${encodeURIComponent(page.pathname + page.search)}${lang ? `&lang=${encodeURIComponent(lang)}` : ''}`
}

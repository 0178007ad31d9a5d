/**
 * What every page does when its session has ended (a 401): go to the login page, which comes back to this exact
 * view (path and query) after signing in.
 */
export function loginUrl(here: { pathname: string; search: string } = location): string {
  return `/login?next=${encodeURIComponent(here.pathname + here.search)}`
}

let redirecting = false
/** Several requests fail at once when a session ends: only the first one navigates. Returns whether it did. */
export function redirectToLogin(): boolean {
  if (redirecting) return false
  redirecting = true
  location.assign(loginUrl())
  return true
}

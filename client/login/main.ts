import { t, translatePage, type MessageKey } from '../i18n.ts'

/*
 * The sign-in form. The server sets the HTTP-only session cookie on success; this page never keeps the token.
 * Afterwards it goes back to the page that sent it here (`?next=`), which must be one of ours.
 */
translatePage()
document.title = `${t('login.title')} · ${t('app.name')}`
const params = new URLSearchParams(location.search)
const form = document.getElementById('login') as HTMLFormElement
const error = document.getElementById('login-error') as HTMLParagraphElement

const show = (key: MessageKey) => {
  error.textContent = t(key)
  error.hidden = false
}
if (params.get('expired')) show('login.expired')

/** Only a path on this site: never `//other.host` or `https://…`, so the form cannot be used to redirect away. */
function nextPage(): string {
  const next = params.get('next') ?? '/'
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/'
}

form.addEventListener('submit', async (event) => {
  event.preventDefault()
  error.hidden = true
  const data = new FormData(form)
  const res = await fetch('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: data.get('username'), password: data.get('password') }),
  })
  if (res.ok) {
    location.assign(nextPage())
    return
  }
  show(res.status === 423 ? 'login.locked' : res.status === 429 ? 'login.throttled' : 'login.failed')
})

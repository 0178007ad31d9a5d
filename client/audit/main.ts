import { t, translatePage } from '../i18n.ts'
import type { AuditEntry } from '../../geo/audit/audit-record.ts'

/*
 * The auditor's page: search the audit log (newest first, paged) and verify its hash chain. The session cookie
 * authenticates; the API refuses every role but auditor and admin.
 */
type AuditRow = AuditEntry

translatePage()
document.title = `${t('page.audit')} · ${t('app.name')}`
const form = document.getElementById('filter') as HTMLFormElement
const rows = document.getElementById('rows') as HTMLTableSectionElement
const status = document.getElementById('status') as HTMLParagraphElement
const more = document.getElementById('more') as HTMLButtonElement
let nextBefore: string | null = null

function say(text: string, broken = false): void {
  status.textContent = text
  status.classList.toggle('broken', broken)
}

function query(): URLSearchParams {
  const q = new URLSearchParams()
  const data = new FormData(form)
  for (const name of ['actor', 'action'] as const) {
    const v = String(data.get(name) ?? '').trim()
    if (v) q.set(name, v)
  }
  for (const name of ['from', 'to'] as const) {
    const v = String(data.get(name) ?? '')
    if (v) q.set(name, new Date(v).toISOString())
  }
  return q
}

async function load(append: boolean): Promise<void> {
  const q = query()
  if (append && nextBefore) q.set('before', nextBefore)
  const res = await fetch(`/api/v1/audit?${q}`)
  if (res.status === 403 || res.status === 401) return say(t('audit.denied'), true)
  if (!res.ok) return say(`HTTP ${res.status}`, true)
  const page = (await res.json()) as { rows: AuditRow[]; nextBefore: string | null }
  if (!append) rows.replaceChildren()
  for (const r of page.rows) {
    const tr = document.createElement('tr')
    const cells = [r.at.replace('T', ' ').replace('Z', ''), r.actor, r.actorIp ?? '', r.action, [r.targetType, r.targetId].filter(Boolean).join(' '), JSON.stringify(r.detail)]
    for (const text of cells) {
      const td = document.createElement('td')
      td.textContent = text
      tr.append(td)
    }
    rows.append(tr)
  }
  nextBefore = page.nextBefore
  more.hidden = nextBefore === null
  say('')
}

form.addEventListener('submit', (e) => {
  e.preventDefault()
  void load(false)
})
more.addEventListener('click', () => void load(true))
document.getElementById('verify')!.addEventListener('click', async () => {
  const res = await fetch('/api/v1/audit/verify')
  if (!res.ok) return say(t('audit.denied'), true)
  const v = (await res.json()) as { ok: boolean; rows: number; badId?: number; reason?: string }
  if (v.ok) say(t('audit.intact').replace('{n}', String(v.rows)))
  else say(t('audit.broken').replace('{id}', String(v.badId)).replace('{reason}', v.reason ?? ''), true)
})
void load(false)

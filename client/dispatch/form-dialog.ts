import { t } from '../i18n.ts'
import { el } from './dom.ts'
import { fieldShown, type Field, type FormValues } from './step-forms.ts'

/** What a submit came to: done, fields still empty, or the server's refusal (message and the fields it names). */
export type SubmitOutcome = { ok: true } | { missing: string[] } | { error: string; fields: Record<string, string> }

/**
 * One modal form at a time, drawn from field descriptions. Enter in a one-line field or Ctrl+Enter anywhere
 * submits; Escape is the page's to handle (it closes).
 */
export class FormDialog {
  private form: HTMLFormElement | null = null

  constructor(private readonly root: HTMLElement) {}

  get isOpen(): boolean {
    return this.form !== null
  }

  open(title: string, subtitle: string, fields: readonly Field[], submit: (values: FormValues) => Promise<SubmitOutcome>): void {
    const form = el('form', 'step-form')
    form.noValidate = true
    form.append(el('h2', '', title), el('p', 'form-sub', subtitle))
    const banner = el('p', 'form-error')
    banner.hidden = true
    form.append(banner)
    const rows = new Map<string, { row: HTMLElement; input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement; hint: HTMLElement }>()
    for (const f of fields) {
      const row = el('label', 'field')
      row.dataset.field = f.name
      const caption = el('span', 'field-label', t(f.label))
      if (f.required) caption.append(el('em', 'required', ` * ${t('dispatch.form.required')}`))
      let input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement
      if (f.kind === 'select') {
        const s = el('select')
        for (const o of f.options ?? []) {
          const opt = el('option', '', typeof o.label === 'string' ? t(o.label) : o.label.text)
          opt.value = o.value
          s.append(opt)
        }
        input = s
      } else if (f.kind === 'textarea') {
        input = el('textarea')
        input.rows = 3
      } else {
        const i = el('input')
        i.type = f.kind === 'number' ? 'number' : f.kind === 'datetime' ? 'datetime-local' : 'text'
        if (f.min !== undefined) i.min = String(f.min)
        if (f.max !== undefined) i.max = String(f.max)
        input = i
      }
      input.name = f.name
      if (f.value !== undefined) input.value = f.value
      const hint = el('span', 'field-error')
      row.append(caption, input, hint)
      rows.set(f.name, { row, input, hint })
      form.append(row)
    }
    const values = (): FormValues => Object.fromEntries([...rows].map(([k, r]) => [k, r.input.value]))
    const showHide = () => {
      const v = values()
      for (const f of fields) rows.get(f.name)!.row.hidden = !fieldShown(f, v)
    }
    showHide()
    form.addEventListener('change', showHide)
    // A field marked as missing or refused stops saying so once it is edited.
    form.addEventListener('input', (e) => {
      const r = rows.get((e.target as HTMLInputElement).name)
      if (!r) return
      r.row.classList.remove('invalid')
      r.hint.textContent = ''
    })

    const buttons = el('div', 'form-buttons')
    const ok = el('button', 'primary', `${t('dispatch.form.submit')} (Ctrl+Enter)`)
    ok.type = 'submit'
    const cancel = el('button', '', `${t('dispatch.form.cancel')} (Esc)`)
    cancel.type = 'button'
    cancel.addEventListener('click', () => this.close())
    buttons.append(ok, cancel)
    form.append(buttons)

    let busy = false
    const send = async () => {
      if (busy) return
      busy = true
      ok.disabled = true
      for (const r of rows.values()) {
        r.row.classList.remove('invalid')
        r.hint.textContent = ''
      }
      banner.hidden = true
      try {
        const out = await submit(values())
        if ('ok' in out) return this.close()
        const fieldErrors = 'missing' in out ? Object.fromEntries(out.missing.map((m) => [m, t('dispatch.form.required')])) : out.fields
        for (const [name, msg] of Object.entries(fieldErrors)) {
          const r = rows.get(name)
          if (!r) continue
          r.row.classList.add('invalid')
          r.hint.textContent = msg
        }
        if ('error' in out) {
          banner.textContent = out.error
          banner.hidden = false
        }
        const first = [...rows.values()].find((r) => r.row.classList.contains('invalid'))
        first?.input.focus()
      } finally {
        busy = false
        ok.disabled = false
      }
    }
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      void send()
    })
    form.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault()
        void send()
      }
    })

    this.root.replaceChildren(form)
    this.root.hidden = false
    this.form = form
    const first = fields.find((f) => f.required) ?? fields[0]
    ;(first ? rows.get(first.name)?.input : ok)?.focus()
  }

  close(): void {
    this.form = null
    this.root.hidden = true
    this.root.replaceChildren()
  }
}

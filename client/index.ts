import { t, translatePage, type MessageKey } from './i18n.ts'

/** Every page the command centre will have; those not built yet are listed but not linked. */
const PAGES = ['wall', 'dispatch', 'analyst', 'admin', 'audit', 'report', 'map'] as const

translatePage()
document.title = t('app.name')
const list = document.getElementById('pages')!
const search = location.search
for (const page of PAGES) {
  // vite.config.ts lists the HTML files that exist, so a page is linked as soon as it is added.
  const built = __GW_PAGES__.includes(page)
  const item = document.createElement(built ? 'a' : 'div')
  item.className = built ? 'page' : 'page soon'
  if (item instanceof HTMLAnchorElement) item.href = `./${page}.html${search}`
  const title = document.createElement('strong')
  title.textContent = t(`page.${page}` as MessageKey)
  const desc = document.createElement('span')
  desc.textContent = built ? t(`page.${page}.desc` as MessageKey) : `${t(`page.${page}.desc` as MessageKey)} · ${t('page.soon')}`
  item.append(title, desc)
  const li = document.createElement('li')
  li.append(item)
  list.append(li)
}

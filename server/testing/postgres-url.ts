/** Same server, another database: tests get their own database cloned from a migrated template. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url)
  u.pathname = '/' + name
  return u.toString()
}

/** CREATE/DROP DATABASE must run while connected to some other database. */
export function adminUrl(url: string): string {
  return withDatabase(url, 'postgres')
}

export function templateDbName(version: string): string {
  return `gridwatch_tpl_${version}`
}

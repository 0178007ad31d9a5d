/** An element with a class and text: the console builds its panels from these, never from HTML strings. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag)
  if (className) e.className = className
  if (text !== undefined) e.textContent = text
  return e
}

/** Only our own server's pictures are shown inline: anything else is a link, so the page never reaches out by itself. */
export function isOwnUrl(url: string): boolean {
  try {
    return new URL(url, location.href).origin === location.origin
  } catch {
    return false
  }
}

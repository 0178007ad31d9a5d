import { expect, it } from 'vitest'
import { loginUrl } from './session.ts'

it('sends the reader to the login page with the current path and query as next', () => {
  expect(loginUrl({ pathname: '/analyst', search: '?layer=kde&from=2026-03-01T00:00:00Z&lang=en' })).toBe(
    '/login?next=%2Fanalyst%3Flayer%3Dkde%26from%3D2026-03-01T00%3A00%3A00Z%26lang%3Den',
  )
  expect(loginUrl({ pathname: '/dispatch', search: '' })).toBe('/login?next=%2Fdispatch')
})

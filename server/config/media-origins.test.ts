import { expect, it } from 'vitest'
import { contentSecurityPolicy } from '../auth/security.ts'
import { loadConfig } from './config.ts'

it('reads MEDIA_ORIGINS as browser origins, and refuses anything that is not one', () => {
  expect(loadConfig({}).MEDIA_ORIGINS).toEqual([])
  expect(loadConfig({ MEDIA_ORIGINS: 'http://10.0.0.5:8889, https://Media.Example/ ,http://10.0.0.5:8889' }).MEDIA_ORIGINS).toEqual([
    'http://10.0.0.5:8889',
    'https://media.example',
  ])
  for (const bad of ['http://10.0.0.5:8889/cam1/whep', 'rtsp://cam', 'media.example', 'https://user:pw@media.example']) {
    expect(() => loadConfig({ MEDIA_ORIGINS: bad }), bad).toThrow(/MEDIA_ORIGINS: .*is not an origin/)
  }
})

it('lets the pages connect to and play media from the listed media servers only', () => {
  const { directives } = contentSecurityPolicy(['http://10.0.0.5:8889'])
  expect(directives.connectSrc).toEqual(["'self'", 'http://10.0.0.5:8889'])
  expect(directives.mediaSrc).toEqual(["'self'", 'blob:', 'http://10.0.0.5:8889'])
  expect(directives.scriptSrc).toEqual(["'self'"])
  expect(contentSecurityPolicy([]).directives.connectSrc).toEqual(["'self'"])
})

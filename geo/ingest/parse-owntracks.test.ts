import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { deviceFromOwnTracksTopic, parseOwnTracks } from './parse-owntracks.ts'

const sample = JSON.parse(readFileSync(new URL('./fixtures/owntracks-location.json', import.meta.url), 'utf8'))

describe('parseOwnTracks', () => {
  it('accepts the sample from MQTT (device from the topic) and HTTP (device from the topic field)', () => {
    const viaMqtt = parseOwnTracks(sample, 'owntracks/patrol/unit-0007')
    const viaHttp = parseOwnTracks(sample)
    expect(viaMqtt).toEqual(viaHttp)
    expect(viaMqtt).toMatchObject({ source: 'owntracks', deviceId: 'unit-0007', lat: -34.90515, lon: -56.16601, headingDeg: 45, accuracyM: 8, batteryPct: 73 })
    expect(viaMqtt.deviceTime.toISOString()).toBe('2025-11-23T07:00:19.000Z')
    expect(viaMqtt.speedMps).toBeCloseTo(23 / 3.6, 6)
  })

  it('rejects other message types and topics that name no device', () => {
    expect(() => parseOwnTracks({ ...sample, _type: 'waypoint' })).toThrow(/_type/)
    expect(() => parseOwnTracks({ ...sample, topic: undefined }, 'owntracks/patrol')).toThrow(/topic/)
    expect(() => parseOwnTracks({ ...sample, cog: 400 })).toThrow(/cog/)
    expect(deviceFromOwnTracksTopic('other/a/b')).toBeNull()
    expect(deviceFromOwnTracksTopic('owntracks/patrol/')).toBeNull()
    expect(deviceFromOwnTracksTopic('owntracksx/patrol/unit-0007')).toBeNull()
    expect(deviceFromOwnTracksTopic('owntracks/patrol/unit-0007/event')).toBe('unit-0007')
  })
})

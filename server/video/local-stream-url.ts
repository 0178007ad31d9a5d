/**
 * Where a locally generated test stream is served: `/video/<camera id>/index.m3u8`. A camera whose stream URL
 * has this form gets its stream from the server's own ffmpeg test source (server/video/test-streams.ts).
 */

export const LOCAL_STREAM_PLAYLIST = 'index.m3u8'
const LOCAL_STREAM = /^\/video\/([A-Za-z0-9_-]{1,64})\/index\.m3u8$/

export const localStreamUrl = (cameraId: string) => `/video/${cameraId}/${LOCAL_STREAM_PLAYLIST}`

/** The camera id of a local test-stream URL, or null for any other URL. */
export function localStreamCamera(url: string): string | null {
  return LOCAL_STREAM.exec(url)?.[1] ?? null
}

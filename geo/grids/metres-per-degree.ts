/**
 * Local scale of the WGS84 ellipsoid: metres per degree of longitude and of latitude at a latitude. Over a
 * city block this is exact to well under 0.01 %, and it keeps areas in line with PostGIS `::geography`.
 */
const A = 6_378_137
const E2 = 0.006_694_379_990_14
const RAD = Math.PI / 180

export function metresPerDegree(latDeg: number): { lon: number; lat: number } {
  const s = Math.sin(latDeg * RAD)
  const w = 1 - E2 * s * s
  return { lon: (RAD * A * Math.cos(latDeg * RAD)) / Math.sqrt(w), lat: (RAD * A * (1 - E2)) / (w * Math.sqrt(w)) }
}

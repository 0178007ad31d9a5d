import type { SpatialWeights } from './spatial-weights.ts'
import { giStar } from './gi-star.ts'
import { twoSidedNormalP } from './normal-p-value.ts'
import { benjaminiHochberg } from './benjamini-hochberg.ts'
import { confidenceClass, type ConfidenceClass } from './confidence-class.ts'

export type HotspotClass = ConfidenceClass<'hot', 'cold'>

export interface HotspotCell {
  z: number
  p: number
  /** Benjamini–Hochberg adjusted over every cell of the study area. */
  pFdr: number
  /** Binned on the FDR-adjusted p, so a map of 1,000 cells does not show ~100 false hot spots at 90 %. */
  class: HotspotClass
}

/** Gi* hot and cold spots: z, two-sided normal p, BH-adjusted p, and the 99/95/90 % class per cell. */
export function giStarHotspots(values: ArrayLike<number>, weights: SpatialWeights): HotspotCell[] {
  const z = giStar(values, weights)
  const p = Array.from(z, twoSidedNormalP)
  const pFdr = benjaminiHochberg(p)
  return Array.from(z, (zi, i) => ({ z: zi, p: p[i], pFdr: pFdr[i], class: confidenceClass(zi, pFdr[i], { up: 'hot', down: 'cold' }) }))
}

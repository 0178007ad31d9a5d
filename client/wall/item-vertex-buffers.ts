import { Buffer } from '@luma.gl/core'
import type { Model } from '@luma.gl/engine'

/**
 * The vertex buffers of a layer that draws each item (a unit, a trail segment) as a fixed handful of vertices in
 * one non-instanced draw: a `corners` buffer holding the per-vertex pattern once per item, written at allocation,
 * and one buffer per attribute, grown to twice the need when short and otherwise written in place.
 */
export class ItemVertexBuffers<K extends string> {
  private buffers: Record<string, Buffer> = {}
  private capacity = 0
  readonly verticesPerItem: number

  /**
   * @param corners the per-vertex pattern of one item, two numbers a vertex (the `corners` attribute, float32x2)
   * @param bytesPerVertex each other attribute's size per vertex
   */
  constructor(
    private readonly model: Model,
    private readonly corners: readonly number[],
    private readonly bytesPerVertex: Record<K, number>,
  ) {
    this.verticesPerItem = corners.length / 2
  }

  /** Room for `items`; allocates anew (and hands the buffers to the model) when there is not: true then. */
  reserve(items: number): boolean {
    if (items <= this.capacity) return false
    this.destroy()
    const capacity = Math.max(64, items * 2)
    const vertices = capacity * this.verticesPerItem
    const { device } = this.model
    const pattern = new Float32Array(vertices * 2)
    for (let i = 0; i < capacity; i++) pattern.set(this.corners, i * this.corners.length)
    this.buffers = { corners: device.createBuffer({ usage: Buffer.VERTEX, data: pattern }) }
    for (const [name, bytes] of Object.entries<number>(this.bytesPerVertex)) {
      this.buffers[name] = device.createBuffer({ usage: Buffer.VERTEX | Buffer.COPY_DST, byteLength: vertices * bytes })
    }
    this.model.setAttributes(this.buffers)
    this.capacity = capacity
    return true
  }

  write(name: K, data: ArrayBufferView): void {
    this.buffers[name].write(data)
  }

  destroy(): void {
    for (const b of Object.values(this.buffers)) b.destroy()
    this.buffers = {}
    this.capacity = 0
  }
}

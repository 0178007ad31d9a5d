import { Buffer } from '@luma.gl/core'
import type { Model } from '@luma.gl/engine'

type Scratch = Float32Array | Uint8Array

/**
 * The vertex buffers of a layer that draws each item (a unit, a trail segment) as one quad in a single indexed,
 * non-instanced draw: a `corners` attribute holding the quad's per-vertex pattern once per item and the index
 * buffer, both written at allocation, and one buffer per other attribute, grown to twice the need when short and
 * otherwise rewritten in place from scratch arrays that are kept, not reallocated every redraw.
 */
export class ItemVertexBuffers<K extends string> {
  /** Four vertices an item, two triangles. */
  static readonly VERTICES = 4
  static readonly INDICES = 6
  private buffers: Record<string, Buffer> = {}
  private index: Buffer | null = null
  private scratch = new Map<K, Scratch>()
  private capacity = 0

  /**
   * @param corners the quad's per-vertex pattern, two numbers a vertex (the `corners` attribute, float32x2),
   *   vertices in the order 0 1 2 3 with triangles 0-1-2 and 2-1-3
   * @param bytesPerVertex each other attribute's size per vertex
   */
  constructor(
    private readonly model: Model,
    private readonly corners: readonly number[],
    private readonly bytesPerVertex: Record<K, number>,
  ) {}

  /** Room for `items`, and the draw set to that many; allocates anew when short: true then. */
  reserve(items: number): boolean {
    this.model.setVertexCount(items * ItemVertexBuffers.INDICES)
    if (items <= this.capacity) return false
    this.destroy()
    const capacity = Math.max(64, items * 2)
    const vertices = capacity * ItemVertexBuffers.VERTICES
    const { device } = this.model
    const pattern = new Float32Array(vertices * 2)
    const indices = new Uint32Array(capacity * ItemVertexBuffers.INDICES)
    for (let i = 0; i < capacity; i++) {
      pattern.set(this.corners, i * 8)
      const v = i * 4
      indices.set([v, v + 1, v + 2, v + 2, v + 1, v + 3], i * 6)
    }
    this.buffers = { corners: device.createBuffer({ usage: Buffer.VERTEX, data: pattern }) }
    for (const [name, bytes] of Object.entries<number>(this.bytesPerVertex)) {
      this.buffers[name] = device.createBuffer({ usage: Buffer.VERTEX | Buffer.COPY_DST, byteLength: vertices * bytes })
    }
    this.index = device.createBuffer({ usage: Buffer.INDEX, indexType: 'uint32', data: indices })
    this.model.setAttributes(this.buffers)
    this.model.setIndexBuffer(this.index)
    this.capacity = capacity
    return true
  }

  /** A kept array of `length` elements to fill for attribute `name` (contents left from last time). */
  array<T extends Scratch>(name: K, make: (length: number) => T, length: number): T {
    let a = this.scratch.get(name) as T | undefined
    if (!a || a.length < length) this.scratch.set(name, (a = make(Math.max(length, (a?.length ?? 0) * 2))))
    return a.subarray(0, length) as T
  }

  write(name: K, data: Scratch): void {
    this.buffers[name].write(data)
  }

  destroy(): void {
    for (const b of Object.values(this.buffers)) b.destroy()
    this.index?.destroy()
    this.buffers = {}
    this.index = null
    this.capacity = 0
  }
}

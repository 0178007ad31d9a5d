import { Buffer, type Device } from '@luma.gl/core'
import { Model, type ModelProps } from '@luma.gl/engine'

type Scratch = Float32Array | Uint8Array
export type ItemFormat = 'float32' | 'float32x2' | 'unorm8x4'
const BYTES: Record<ItemFormat, number> = { float32: 4, float32x2: 8, unorm8x4: 4 }

export interface ItemModelProps<K extends string> {
  id: string
  /** The layer's shaders, as `Layer.getShaders()` gives them. */
  shaders: Pick<ModelProps, 'vs' | 'fs' | 'modules' | 'defines'>
  /** Each attribute's vertex format (other than the quads' `corners`). */
  attributes: Record<K, ItemFormat>
  /**
   * For quads, their per-vertex pattern, two numbers a vertex (the `corners` attribute, float32x2), vertices in
   * the order 0 1 2 3 with triangles 0-1-2 and 2-1-3; none for points.
   */
  quadCorners?: readonly number[]
}

/**
 * The model of a layer that draws all its items (units, trail segments) in a single non-instanced draw, either
 * as one point each (a point sprite: one vertex an item) or as one quad each (four vertices, indexed: a `corners`
 * attribute holding the quad's per-vertex pattern once per item and the index buffer, both written at
 * allocation). One buffer per other attribute, grown to twice the need when short and otherwise rewritten in
 * place from scratch arrays that are kept, not reallocated every redraw.
 */
export class ItemModel<K extends string> {
  /** A quad: four vertices an item, two triangles. */
  static readonly QUAD_VERTICES = 4
  private static readonly QUAD_INDICES = 6
  readonly model: Model
  private buffers: Record<string, Buffer> = {}
  private index: Buffer | null = null
  private scratch = new Map<K, Scratch>()
  private capacity = 0
  private readonly attributes: Record<K, ItemFormat>
  private readonly quadCorners?: readonly number[]

  constructor(device: Device, { id, shaders, attributes, quadCorners }: ItemModelProps<K>) {
    this.attributes = attributes
    this.quadCorners = quadCorners
    const layout = Object.entries<ItemFormat>(attributes).map(([name, format]) => ({ name, format }))
    if (quadCorners) layout.push({ name: 'corners', format: 'float32x2' })
    this.model = new Model(device, {
      ...shaders,
      id,
      topology: quadCorners ? 'triangle-list' : 'point-list',
      vertexCount: 0,
      bufferLayout: layout,
    })
  }

  private get perItem(): number {
    return this.quadCorners ? ItemModel.QUAD_VERTICES : 1
  }

  /** Room for `items`, and the draw set to that many; allocates anew when short: true then. */
  reserve(items: number): boolean {
    this.model.setVertexCount(items * (this.quadCorners ? ItemModel.QUAD_INDICES : 1))
    if (items <= this.capacity) return false
    this.destroyBuffers()
    const capacity = Math.max(64, items * 2)
    const vertices = capacity * this.perItem
    const { device } = this.model
    for (const [name, format] of Object.entries<ItemFormat>(this.attributes)) {
      this.buffers[name] = device.createBuffer({ usage: Buffer.VERTEX | Buffer.COPY_DST, byteLength: vertices * BYTES[format] })
    }
    if (this.quadCorners) this.addQuads(capacity)
    this.model.setAttributes(this.buffers)
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
    this.destroyBuffers()
    this.model.destroy()
  }

  private addQuads(capacity: number): void {
    const pattern = new Float32Array(capacity * ItemModel.QUAD_VERTICES * 2)
    const indices = new Uint32Array(capacity * ItemModel.QUAD_INDICES)
    for (let i = 0; i < capacity; i++) {
      pattern.set(this.quadCorners!, i * 8)
      const v = i * 4
      indices.set([v, v + 1, v + 2, v + 2, v + 1, v + 3], i * 6)
    }
    const { device } = this.model
    this.buffers.corners = device.createBuffer({ usage: Buffer.VERTEX, data: pattern })
    this.index = device.createBuffer({ usage: Buffer.INDEX, indexType: 'uint32', data: indices })
    this.model.setIndexBuffer(this.index)
  }

  private destroyBuffers(): void {
    for (const b of Object.values(this.buffers)) b.destroy()
    this.index?.destroy()
    this.buffers = {}
    this.index = null
    this.capacity = 0
  }
}

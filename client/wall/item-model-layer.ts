import { COORDINATE_SYSTEM, Layer, type LayerContext } from 'deck.gl'
import type { DefaultProps } from '@deck.gl/core'
import { ItemModel, type ItemFormat } from './item-model.ts'

/**
 * A deck.gl layer drawn from one ItemModel (see item-model.ts), with positions as offsets from
 * `coordinateOrigin` (set it to a fixed point near the city, for the page's whole life): 32-bit floats then keep
 * centimetres across a city, where longitudes and latitudes themselves would keep about a metre. Subclasses give
 * their shaders, the attributes' formats and, for quads, the corners; they fill the buffers and draw.
 */
export abstract class ItemModelLayer<P extends object, K extends string> extends Layer<P> {
  static override layerName = 'ItemModelLayer'
  static override defaultProps: DefaultProps<object> = { coordinateSystem: COORDINATE_SYSTEM.LNGLAT_OFFSETS }
  declare state: { items: ItemModel<K>; model: ItemModel<K>['model']; [key: string]: unknown }
  /** The layer's own shaders and shader modules. */
  protected abstract readonly shaderSource: { vs: string; fs: string; modules: unknown[] }
  /** Each attribute's vertex format. */
  protected abstract readonly attributes: Record<K, ItemFormat>
  /** For quads, their per-vertex pattern; none for points. */
  protected readonly quadCorners?: readonly number[]

  override getShaders() {
    return super.getShaders(this.shaderSource)
  }

  override initializeState(): void {
    const { attributes, quadCorners } = this
    const items = new ItemModel<K>(this.context.device, { id: this.props.id, shaders: this.getShaders(), attributes, quadCorners })
    // deck.gl hands the viewport's uniforms to the models it finds in `state.model`.
    this.setState({ items, model: items.model })
  }

  override finalizeState(context: LayerContext): void {
    super.finalizeState(context)
    this.state.items.destroy()
  }

  /** `coordinateOrigin` as [lon, lat]. */
  protected origin(): [number, number] {
    const o = this.props.coordinateOrigin
    return [o[0], o[1]]
  }
}

import { project32, type UpdateParameters } from 'deck.gl'
import type { DefaultProps } from '@deck.gl/core'
import { ItemModel } from './item-model.ts'
import { ItemModelLayer } from './item-model-layer.ts'
import type { TrailBuffers } from './unit-store.ts'

/**
 * The units' fading trails in one indexed, non-instanced draw: each segment a quad in plain vertex buffers,
 * shown up to the current time and fading over the trail window (what deck.gl's TripsLayer does), for the reason
 * given in unit-sprite-layer.ts: a software renderer pays per instance, and TripsLayer draws one per segment.
 * Segments get square ends half a width long, which closes the joints of a 3 px line. Positions go to the GPU as
 * offsets from `coordinateOrigin` (set it to a fixed point near the city, for the page's whole life).
 */

export interface TrailLayerProps {
  trails: TrailBuffers
  /** Seconds, on the clock of `trails.timestamps`. */
  currentTime: number
  /** Seconds a vertex stays visible, fading out. */
  trailLength: number
  widthPixels: number
}

/** Per vertex of a segment's quad: [along the segment (0 start, 1 end), side (-1 left, 1 right)]. */
const CORNERS = [0, -1, 1, -1, 0, 1, 1, 1]
const PER_SEGMENT = ItemModel.QUAD_VERTICES

const uniformBlock = `\
layout(std140) uniform trailUniforms {
  float currentTime;
  float trailLength;
  float widthPixels;
} trail;
`
const trailUniforms = {
  name: 'trail',
  vs: uniformBlock,
  fs: uniformBlock,
  uniformTypes: { currentTime: 'f32', trailLength: 'f32', widthPixels: 'f32' },
} as const

const vs = `\
#version 300 es
#define SHADER_NAME trail-layer-vertex-shader
in vec2 starts;
in vec2 ends;
in vec2 corners;
in vec2 times;
in vec4 colors;
out float vTime;
out vec4 vColor;

void main(void) {
  vec4 a = project_position_to_clipspace(vec3(starts, 0.0), vec3(0.0), vec3(0.0));
  vec4 b = project_position_to_clipspace(vec3(ends, 0.0), vec3(0.0), vec3(0.0));
  vec2 d = (b.xy / b.w - a.xy / a.w) * project.viewportSize;
  vec2 dir = length(d) > 1e-6 ? normalize(d) : vec2(1.0, 0.0);
  float along = corners.x;
  vec2 offset = (vec2(-dir.y, dir.x) * corners.y + dir * (along * 2.0 - 1.0)) * (trail.widthPixels * 0.5);
  gl_Position = mix(a, b, along);
  gl_Position.xy += project_pixel_size_to_clipspace(offset);
  vTime = mix(times.x, times.y, along);
  vColor = colors;
  geometry.worldPosition = vec3(mix(starts, ends, along), 0.0);
  DECKGL_FILTER_COLOR(vColor, geometry);
}
`

const fs = `\
#version 300 es
#define SHADER_NAME trail-layer-fragment-shader
precision highp float;
in float vTime;
in vec4 vColor;
out vec4 fragColor;

void main(void) {
  float age = trail.currentTime - vTime;
  // Not there yet (the end of a glide still under way), or faded out.
  if (age < 0.0 || age > trail.trailLength) discard;
  fragColor = vec4(vColor.rgb, vColor.a * (1.0 - age / trail.trailLength) * layer.opacity);
  DECKGL_FILTER_COLOR(fragColor, geometry);
}
`

const ATTRIBUTES = { starts: 'float32x2', ends: 'float32x2', times: 'float32x2', colors: 'unorm8x4' } as const
type Attribute = keyof typeof ATTRIBUTES

const defaultProps: DefaultProps<TrailLayerProps> = {
  trails: { type: 'object', value: { length: 0, startIndices: new Uint32Array(1), path: new Float64Array(0), timestamps: new Float32Array(0), colors: new Uint8Array(0) }, compare: false },
  currentTime: 0,
  trailLength: 30,
  widthPixels: 3,
}

export class TrailLayer extends ItemModelLayer<TrailLayerProps, Attribute> {
  static override layerName = 'TrailLayer'
  static override defaultProps = defaultProps
  protected readonly shaderSource = { vs, fs, modules: [project32, trailUniforms] }
  protected readonly attributes = ATTRIBUTES
  protected override readonly quadCorners = CORNERS

  override updateState({ props, oldProps }: UpdateParameters<this>): void {
    if (props.trails === oldProps.trails) return
    const { trails } = props
    const segments = trails.startIndices[trails.length] - trails.length
    this.state.items.reserve(Math.max(0, segments))
    if (segments > 0) this.write(trails, segments)
  }

  override draw(): void {
    if (this.state.items.model.vertexCount === 0) return
    const { currentTime, trailLength, widthPixels } = this.props
    this.state.items.model.shaderInputs.setProps({ trail: { currentTime, trailLength, widthPixels } })
    this.state.items.model.draw(this.context.renderPass)
  }

  /** Every segment's two ends at each of its four vertices, as offsets from the layer's origin (see ItemModelLayer). */
  private write({ length, startIndices, path, timestamps, colors }: TrailBuffers, segments: number): void {
    const [originLon, originLat] = this.origin()
    const buffers = this.state.items
    const f32 = (n: number) => new Float32Array(n)
    const starts = buffers.array('starts', f32, segments * PER_SEGMENT * 2)
    const ends = buffers.array('ends', f32, segments * PER_SEGMENT * 2)
    const times = buffers.array('times', f32, segments * PER_SEGMENT * 2)
    const colour = buffers.array('colors', (n) => new Uint8Array(n), segments * PER_SEGMENT * 4)
    let s = 0
    for (let p = 0; p < length; p++) {
      for (let v = startIndices[p]; v < startIndices[p + 1] - 1; v++, s++) {
        const x0 = path[2 * v] - originLon
        const y0 = path[2 * v + 1] - originLat
        const x1 = path[2 * v + 2] - originLon
        const y1 = path[2 * v + 3] - originLat
        for (let k = 0; k < PER_SEGMENT; k++) {
          const w = s * PER_SEGMENT + k
          starts[2 * w] = x0
          starts[2 * w + 1] = y0
          ends[2 * w] = x1
          ends[2 * w + 1] = y1
          times[2 * w] = timestamps[v]
          times[2 * w + 1] = timestamps[v + 1]
          colour.set(colors.subarray(4 * v, 4 * v + 4), 4 * w)
        }
      }
    }
    buffers.write('starts', starts)
    buffers.write('ends', ends)
    buffers.write('times', times)
    buffers.write('colors', colour)
  }
}

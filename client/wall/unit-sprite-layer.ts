import { Layer, project32, type LayerContext, type UpdateParameters } from 'deck.gl'
import type { DefaultProps } from '@deck.gl/core'
import { Model } from '@luma.gl/engine'
import { ItemVertexBuffers } from './item-vertex-buffers.ts'
import { ICON_HEADING, ICON_STALE } from './unit-store.ts'

/**
 * Every patrol unit in one non-instanced draw: six vertices per unit in plain vertex buffers, the picture (dark
 * halo, body in the status colour, dark heading chevron, or a ring when the fix is stale) drawn by the fragment
 * shader, so there is no texture and the shapes stay sharp at any size.
 *
 * Why not deck.gl's IconLayer: it draws one instance per unit, and Chromium's software renderer (SwiftShader,
 * what a wall PC without GPU acceleration and our CI use) pays about 45 µs per instance whatever its size:
 * 10,000 units took ~1 s of CPU per redraw. The same quads as a flat vertex list cost a small fraction of that
 * (see the README's wall performance notes); on a GPU either way is nothing.
 */

export interface UnitSpriteProps {
  /** Units drawn: the first `count` entries of each array. */
  count: number
  /** [lon, lat] per unit. */
  positions: Float64Array
  /** Degrees, counter-clockwise, as deck.gl's IconLayer takes them. */
  angles: Float32Array
  /** The body's diameter in pixels at full size. */
  sizes: Float32Array
  /** RGBA per unit: the body's colour. */
  colors: Uint8Array
  /** ICON_HEADING, ICON_NO_HEADING or ICON_STALE per unit. */
  shapes: Uint8Array
  /** Bumped when positions or angles changed (re-uploaded then, not otherwise). */
  positionsVersion: number
  /** Bumped when sizes, colours or shapes changed. */
  styleVersion: number
  /** Multiplies every size (units shrink as the map zooms out). */
  sizeScale: number
}

/** Half the quad's side, in body radii: room for the halo (1.28) and a pixel of smoothing. */
const HALF_QUAD = 1.36
const CORNERS = [-1, -1, 1, -1, -1, 1, -1, 1, 1, -1, 1, 1]
const PER_UNIT = CORNERS.length / 2

const uniformBlock = `\
layout(std140) uniform unitSpriteUniforms {
  float sizeScale;
} unitSprite;
`
const unitSpriteUniforms = {
  name: 'unitSprite',
  vs: uniformBlock,
  fs: uniformBlock,
  uniformTypes: { sizeScale: 'f32' },
} as const

const vs = `\
#version 300 es
#define SHADER_NAME unit-sprite-layer-vertex-shader
in vec3 positions;
in vec3 positions64Low;
in vec2 corners;
in float angles;
in float sizes;
in vec4 colors;
in float shapes;
out vec2 vLocal;
out vec4 vColor;
out float vShape;

void main(void) {
  geometry.worldPosition = positions;
  // Picture space: body radii, y down (like an image), turned with the unit as IconLayer turns its icons.
  vLocal = corners * ${HALF_QUAD.toFixed(2)};
  vColor = colors;
  vShape = shapes;
  float a = radians(angles);
  vec2 offset = mat2(cos(a), -sin(a), sin(a), cos(a)) * vLocal * (sizes * unitSprite.sizeScale * 0.5);
  offset.y = -offset.y;
  gl_Position = project_position_to_clipspace(positions, positions64Low, vec3(0.0), geometry.position);
  DECKGL_FILTER_GL_POSITION(gl_Position, geometry);
  gl_Position.xy += project_pixel_size_to_clipspace(offset);
  DECKGL_FILTER_COLOR(vColor, geometry);
}
`

const fs = `\
#version 300 es
#define SHADER_NAME unit-sprite-layer-fragment-shader
precision highp float;
in vec2 vLocal;
in vec4 vColor;
in float vShape;
out vec4 fragColor;

const vec4 HALO = vec4(4.0, 8.0, 16.0, 230.0) / 255.0;
const vec4 GLYPH = vec4(6.0, 12.0, 24.0, 235.0) / 255.0;

// Coverage of a shape from a signed distance (positive inside), smoothed over one pixel.
float cover(float d, float px) { return clamp(d / px + 0.5, 0.0, 1.0); }
float disc(vec2 p, float r) { return r - length(p); }
float ring(vec2 p, float r, float w) { return w * 0.5 - abs(length(p) - r); }
// Distance inside the triangle abc (cross(b - a, c - a) > 0), negative outside.
float tri(vec2 p, vec2 a, vec2 b, vec2 c) {
  vec2 e0 = normalize(b - a), e1 = normalize(c - b), e2 = normalize(a - c);
  float d0 = (p.x - a.x) * e0.y - (p.y - a.y) * e0.x;
  float d1 = (p.x - b.x) * e1.y - (p.y - b.y) * e1.x;
  float d2 = (p.x - c.x) * e2.y - (p.y - c.y) * e2.x;
  return -max(max(d0, d1), d2);
}
// The heading chevron: a notched arrowhead pointing up (north before the turn).
float chevron(vec2 p) {
  vec2 tip = vec2(0.0, -0.69), right = vec2(0.51, 0.42), notch = vec2(0.0, 0.15), left = vec2(-0.51, 0.42);
  return max(tri(p, tip, right, notch), tri(p, tip, notch, left));
}
// "Over", premultiplied.
vec4 over(vec4 below, vec4 colour, float coverage) {
  float a = colour.a * coverage;
  return vec4(colour.rgb * a + below.rgb * (1.0 - a), a + below.a * (1.0 - a));
}

void main(void) {
  vec2 p = vLocal;
  float px = max(fwidth(p.x), 1e-4);
  vec4 c = vec4(0.0);
  if (abs(vShape - ${ICON_STALE}.0) > 0.5) {
    c = over(c, HALO, cover(disc(p, 1.28), px));
    c = over(c, vColor, cover(disc(p, 1.0), px));
    float glyph = abs(vShape - ${ICON_HEADING}.0) < 0.5 ? chevron(p) : disc(p, 0.24);
    c = over(c, GLYPH, cover(glyph, px));
  } else {
    // Stale: a ring with a dot, over a wider dark ring.
    c = over(c, HALO, max(cover(ring(p, 1.04, 0.45), px), cover(disc(p, 0.35), px)));
    c = over(c, vColor, max(cover(ring(p, 0.81, 0.35), px), cover(disc(p, 0.27), px)));
  }
  if (c.a < 0.02) discard;
  fragColor = vec4(c.rgb / c.a, c.a * layer.opacity);
  DECKGL_FILTER_COLOR(fragColor, geometry);
}
`

type Attribute = 'positions' | 'positions64Low' | 'angles' | 'sizes' | 'colors' | 'shapes'

interface State {
  model: Model
  buffers: ItemVertexBuffers<Attribute>
  [key: string]: unknown
}

const defaultProps: DefaultProps<UnitSpriteProps> = {
  count: 0,
  positions: { type: 'object', value: new Float64Array(0), compare: false },
  angles: { type: 'object', value: new Float32Array(0), compare: false },
  sizes: { type: 'object', value: new Float32Array(0), compare: false },
  colors: { type: 'object', value: new Uint8Array(0), compare: false },
  shapes: { type: 'object', value: new Uint8Array(0), compare: false },
  positionsVersion: 0,
  styleVersion: 0,
  sizeScale: 1,
}

export class UnitSpriteLayer extends Layer<UnitSpriteProps> {
  static override layerName = 'UnitSpriteLayer'
  static override defaultProps = defaultProps
  declare state: State

  override getShaders() {
    return super.getShaders({ vs, fs, modules: [project32, unitSpriteUniforms] })
  }

  override initializeState(): void {
    const model = new Model(this.context.device, {
      ...this.getShaders(),
      id: this.props.id,
      topology: 'triangle-list',
      vertexCount: 0,
      bufferLayout: [
        { name: 'positions', format: 'float32x3' },
        { name: 'positions64Low', format: 'float32x3' },
        { name: 'corners', format: 'float32x2' },
        { name: 'angles', format: 'float32' },
        { name: 'sizes', format: 'float32' },
        { name: 'colors', format: 'unorm8x4' },
        { name: 'shapes', format: 'float32' },
      ],
    })
    const buffers = new ItemVertexBuffers<Attribute>(model, CORNERS, { positions: 12, positions64Low: 12, angles: 4, sizes: 4, colors: 4, shapes: 4 })
    this.setState({ model, buffers })
  }

  override updateState({ props, oldProps }: UpdateParameters<this>): void {
    this.state.model.setVertexCount(props.count * PER_UNIT)
    if (props.count === 0) return
    const all = this.state.buffers.reserve(props.count) || props.count !== oldProps.count
    if (all || props.positionsVersion !== oldProps.positionsVersion) this.writePositions(props)
    if (all || props.styleVersion !== oldProps.styleVersion) this.writeStyle(props)
  }

  override draw(): void {
    const { model } = this.state
    if (this.props.count === 0) return
    model.shaderInputs.setProps({ unitSprite: { sizeScale: this.props.sizeScale } })
    model.draw(this.context.renderPass)
  }

  override finalizeState(context: LayerContext): void {
    super.finalizeState(context)
    this.state.buffers.destroy()
    this.state.model.destroy()
  }

  /** Each unit's position and angle, six times: deck.gl's 64-bit split (high + low float) keeps street zooms exact. */
  private writePositions({ count, positions, angles }: UnitSpriteProps): void {
    const high = new Float32Array(count * PER_UNIT * 3)
    const low = new Float32Array(count * PER_UNIT * 3)
    const angle = new Float32Array(count * PER_UNIT)
    for (let i = 0; i < count; i++) {
      const lon = positions[2 * i]
      const lat = positions[2 * i + 1]
      const lonHigh = Math.fround(lon)
      const latHigh = Math.fround(lat)
      for (let k = 0; k < PER_UNIT; k++) {
        const v = i * PER_UNIT + k
        high[3 * v] = lonHigh
        high[3 * v + 1] = latHigh
        low[3 * v] = lon - lonHigh
        low[3 * v + 1] = lat - latHigh
        angle[v] = angles[i]
      }
    }
    const { buffers } = this.state
    buffers.write('positions', high)
    buffers.write('positions64Low', low)
    buffers.write('angles', angle)
  }

  private writeStyle({ count, sizes, colors, shapes }: UnitSpriteProps): void {
    const size = new Float32Array(count * PER_UNIT)
    const colour = new Uint8Array(count * PER_UNIT * 4)
    const shape = new Float32Array(count * PER_UNIT)
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < PER_UNIT; k++) {
        const v = i * PER_UNIT + k
        size[v] = sizes[i]
        colour.set(colors.subarray(4 * i, 4 * i + 4), 4 * v)
        shape[v] = shapes[i]
      }
    }
    const { buffers } = this.state
    buffers.write('sizes', size)
    buffers.write('colors', colour)
    buffers.write('shapes', shape)
  }
}

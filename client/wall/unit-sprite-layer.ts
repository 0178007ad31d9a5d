import { project32, type UpdateParameters } from 'deck.gl'
import type { DefaultProps } from '@deck.gl/core'
import { ItemModelLayer } from './item-model-layer.ts'
import { ICON_HEADING, ICON_STALE } from './unit-store.ts'

/**
 * Every patrol unit in one non-instanced draw of point sprites, one vertex a unit, the picture (dark halo, body
 * in the status colour, dark heading chevron, or a ring when the fix is stale) drawn and turned by the fragment
 * shader, so there is no texture and the shapes stay sharp at any size.
 *
 * Why not deck.gl's IconLayer: it draws one instance per unit, and Chromium's software renderer (SwiftShader,
 * what a wall PC without GPU acceleration and our CI use) pays about 45 µs per instance whatever its size:
 * 10,000 units took ~1 s of CPU per redraw. Plain vertices cost a small fraction of that, and a point a quarter
 * of a quad's four (see the README's wall performance notes); on a GPU either way is nothing. A point leaves the
 * picture when its centre leaves the screen, which for a unit of a dozen pixels at the wall's edge is no loss.
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

/** Half the sprite's side, in body radii: room for the halo (1.28) and a pixel of smoothing. */
const HALF_SIDE = 1.36

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
in vec2 positions;
in float angles;
in float sizes;
in vec4 colors;
in float shapes;
flat out vec4 vColor;
flat out float vShape;
flat out vec2 vTurn;
flat out float vPx;

void main(void) {
  geometry.worldPosition = vec3(positions, 0.0);
  gl_Position = project_position_to_clipspace(vec3(positions, 0.0), vec3(0.0), vec3(0.0), geometry.position);
  DECKGL_FILTER_GL_POSITION(gl_Position, geometry);
  float radius = sizes * unitSprite.sizeScale * 0.5 * project.devicePixelRatio;
  gl_PointSize = 2.0 * ${HALF_SIDE.toFixed(2)} * radius;
  // Per unit rather than per pixel: the turn (counter-clockwise degrees, as IconLayer takes them) and the size
  // of a pixel in body radii, for smoothing edges without derivatives.
  float a = radians(angles);
  vTurn = vec2(cos(a), sin(a));
  vPx = 1.0 / max(radius, 0.5);
  vColor = colors;
  vShape = shapes;
  DECKGL_FILTER_COLOR(vColor, geometry);
}
`

const fs = `\
#version 300 es
#define SHADER_NAME unit-sprite-layer-fragment-shader
precision highp float;
flat in vec4 vColor;
flat in float vShape;
flat in vec2 vTurn;
flat in float vPx;
out vec4 fragColor;

const vec4 HALO = vec4(4.0, 8.0, 16.0, 230.0) / 255.0;
const vec4 GLYPH = vec4(6.0, 12.0, 24.0, 235.0) / 255.0;

// Coverage of a shape from a signed distance (positive inside), smoothed over one pixel.
float cover(float d, float px) { return clamp(d / px + 0.5, 0.0, 1.0); }
// Distance to the line through a along the unit direction e, positive on its left (inside, going round a
// triangle in picture space).
float edge(vec2 p, vec2 a, vec2 e) { return (p.y - a.y) * e.x - (p.x - a.x) * e.y; }
// The heading chevron, a notched arrowhead pointing up (north before the turn), as two triangles. The edge
// directions are constants, so a software renderer does not normalise them for every pixel.
const vec2 TIP = vec2(0.0, -0.69), RIGHT = vec2(0.51, 0.42), NOTCH = vec2(0.0, 0.15), LEFT = vec2(-0.51, 0.42);
const vec2 TIP_RIGHT = normalize(RIGHT - TIP), RIGHT_NOTCH = normalize(NOTCH - RIGHT), NOTCH_TIP = normalize(TIP - NOTCH);
const vec2 TIP_NOTCH = normalize(NOTCH - TIP), NOTCH_LEFT = normalize(LEFT - NOTCH), LEFT_TIP = normalize(TIP - LEFT);
float chevron(vec2 p) {
  float right = min(min(edge(p, TIP, TIP_RIGHT), edge(p, RIGHT, RIGHT_NOTCH)), edge(p, NOTCH, NOTCH_TIP));
  float left = min(min(edge(p, TIP, TIP_NOTCH), edge(p, NOTCH, NOTCH_LEFT)), edge(p, LEFT, LEFT_TIP));
  return max(right, left);
}
// "Over", premultiplied.
vec4 over(vec4 below, vec4 colour, float coverage) {
  float a = colour.a * coverage;
  return vec4(colour.rgb * a + below.rgb * (1.0 - a), a + below.a * (1.0 - a));
}

void main(void) {
  // Screen offset from the centre in body radii, y down, turned back into picture space (y down, north up).
  vec2 d = (gl_PointCoord * 2.0 - 1.0) * ${HALF_SIDE.toFixed(2)};
  float r = length(d);
  // Beyond the halo and its smoothing: nothing to draw (the sprite's corners).
  if (r > 1.33) discard;
  vec2 p = vec2(vTurn.x * d.x - vTurn.y * d.y, vTurn.y * d.x + vTurn.x * d.y);
  float px = vPx;
  vec4 c = vec4(0.0);
  if (abs(vShape - ${ICON_STALE}.0) > 0.5) {
    c = over(c, HALO, cover(1.28 - r, px));
    c = over(c, vColor, cover(1.0 - r, px));
    if (r < 0.75) c = over(c, GLYPH, cover(abs(vShape - ${ICON_HEADING}.0) < 0.5 ? chevron(p) : 0.24 - r, px));
  } else {
    // Stale: a ring with a dot, over a wider dark ring.
    c = over(c, HALO, max(cover(0.225 - abs(r - 1.04), px), cover(0.35 - r, px)));
    c = over(c, vColor, max(cover(0.175 - abs(r - 0.81), px), cover(0.27 - r, px)));
  }
  if (c.a < 0.02) discard;
  fragColor = vec4(c.rgb / c.a, c.a * layer.opacity);
  DECKGL_FILTER_COLOR(fragColor, geometry);
}
`

const ATTRIBUTES = { positions: 'float32x2', angles: 'float32', sizes: 'float32', colors: 'unorm8x4', shapes: 'float32' } as const
type Attribute = keyof typeof ATTRIBUTES

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

export class UnitSpriteLayer extends ItemModelLayer<UnitSpriteProps, Attribute> {
  static override layerName = 'UnitSpriteLayer'
  static override defaultProps = defaultProps
  protected readonly shaderSource = { vs, fs, modules: [project32, unitSpriteUniforms] }
  protected readonly attributes = ATTRIBUTES

  override updateState({ props, oldProps }: UpdateParameters<this>): void {
    const all = this.state.items.reserve(props.count) || props.count !== oldProps.count
    if (props.count === 0) return
    if (all || props.positionsVersion !== oldProps.positionsVersion || props.coordinateOrigin !== oldProps.coordinateOrigin) this.writePositions(props)
    if (all || props.styleVersion !== oldProps.styleVersion) this.writeStyle(props)
  }

  override draw(): void {
    const { model } = this.state.items
    if (this.props.count === 0) return
    model.shaderInputs.setProps({ unitSprite: { sizeScale: this.props.sizeScale } })
    model.draw(this.context.renderPass)
  }

  /** Positions as offsets from the layer's origin (see ItemModelLayer); angles as they are. */
  private writePositions({ count, positions, angles }: UnitSpriteProps): void {
    const buffers = this.state.items
    const [originLon, originLat] = this.origin()
    const xy = buffers.array('positions', (n) => new Float32Array(n), count * 2)
    for (let i = 0; i < 2 * count; i += 2) {
      xy[i] = positions[i] - originLon
      xy[i + 1] = positions[i + 1] - originLat
    }
    buffers.write('positions', xy)
    buffers.write('angles', angles.subarray(0, count))
  }

  private writeStyle({ count, sizes, colors, shapes }: UnitSpriteProps): void {
    const buffers = this.state.items
    const shape = buffers.array('shapes', (n) => new Float32Array(n), count)
    for (let i = 0; i < count; i++) shape[i] = shapes[i]
    buffers.write('sizes', sizes.subarray(0, count))
    buffers.write('colors', colors.subarray(0, count * 4))
    buffers.write('shapes', shape)
  }
}

/**
 * Two small custom tfjs layers the engine needs:
 * - FlockAffine: the input normalisation (x * scale + offset, frozen), so a trained model takes
 *   raw task inputs, in tfjs as in its ONNX export;
 * - FlockSeededDropout: dropout whose mask changes every step yet is reproducible. tfjs' own
 *   Dropout either uses Math.random (not reproducible) or, given a seed, draws the same mask on
 *   every step.
 */
import * as tf from '@tensorflow/tfjs';

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
type Kwargs = Record<string, unknown>;

export interface AffineArgs extends LayerArgs {
  scale: number[];
  offset: number[];
}

export class Affine extends tf.layers.Layer {
  static readonly className = 'FlockAffine';
  readonly scale: number[];
  readonly offset: number[];
  private scaleVar?: tf.LayerVariable;
  private offsetVar?: tf.LayerVariable;

  constructor(args: AffineArgs) {
    super(args);
    this.scale = args.scale;
    this.offset = args.offset;
    this.trainable = false;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const featureShape = shape.slice(1) as number[];
    const size = featureShape.reduce((a, b) => a * b, 1);
    if (size !== this.scale.length) throw new Error(`FlockAffine: ${this.scale.length} scales for ${size} inputs`);
    this.scaleVar = this.addWeight('scale', featureShape, 'float32', tf.initializers.zeros(), undefined, false);
    this.offsetVar = this.addWeight('offset', featureShape, 'float32', tf.initializers.zeros(), undefined, false);
    // write() copies into the variable; the source tensors are ours to dispose.
    const [scale, offset] = [tf.tensor(this.scale, featureShape), tf.tensor(this.offset, featureShape)];
    this.scaleVar.write(scale);
    this.offsetVar.write(offset);
    tf.dispose([scale, offset]);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      return x.mul(this.scaleVar!.read()).add(this.offsetVar!.read());
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), scale: this.scale, offset: this.offset };
  }
}

export interface SeededDropoutArgs extends LayerArgs {
  rate: number;
  seed: number;
}

export class SeededDropout extends tf.layers.Layer {
  static readonly className = 'FlockSeededDropout';
  readonly rate: number;
  readonly seed: number;
  /** Training steps seen; part of each step's mask seed. */
  private step = 0;

  constructor(args: SeededDropoutArgs) {
    super(args);
    if (!(args.rate >= 0 && args.rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${args.rate}`);
    this.rate = args.rate;
    this.seed = args.seed;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (kwargs['training'] !== true || this.rate === 0) return tf.clone(x);
    // tfjs seeds its generator with seed.toString(); any distinct number per step will do.
    return tf.dropout(x, this.rate, undefined, this.seed + this.step++ * 7919);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

tf.serialization.registerClass(Affine);
tf.serialization.registerClass(SeededDropout);

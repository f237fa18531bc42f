/**
 * Scoring metrics. Accumulators consume predictions batch by batch in a fixed order with float64
 * sums, so a score is deterministic for a given model output and never needs all rows at once.
 */

export const METRICS = {
  accuracy: 'higher',
  /** Macro-averaged F1 over the classes present in labels or predictions (as scikit-learn). */
  f1: 'higher',
  mse: 'lower',
  mae: 'lower',
  /** Cross-entropy of the predicted class probabilities, clipped to [eps, 1 - eps]. */
  'log-loss': 'lower',
} as const;

export type MetricName = keyof typeof METRICS;
export type MetricDirection = (typeof METRICS)[MetricName];
export type Metrics = Partial<Record<MetricName, number>>;

export const CLASSIFICATION_METRICS = ['accuracy', 'f1', 'log-loss'] as const satisfies readonly MetricName[];
export const REGRESSION_METRICS = ['mse', 'mae'] as const satisfies readonly MetricName[];

/** Probability clipping for log-loss (scikit-learn's historical default). */
export const LOG_LOSS_EPS = 1e-15;

export function isMetricName(name: string): name is MetricName {
  return Object.hasOwn(METRICS, name);
}

export function metricDirection(name: MetricName): MetricDirection {
  return METRICS[name];
}

/** True when score `a` is better than `b` under the metric's direction. */
export function isBetter(name: MetricName, a: number, b: number): boolean {
  return METRICS[name] === 'higher' ? a > b : a < b;
}

export interface MetricAccumulator {
  /** `outputs` holds `size` rows of the model's output, row-major; `labels` the true targets. */
  add(outputs: ArrayLike<number>, labels: ArrayLike<number>, size: number): void;
  result(): Metrics;
  readonly count: number;
}

/**
 * Classification from per-class probabilities (`width` = numClasses). A binary task may also use a
 * single output (`width` = 1) holding the probability of class 1.
 */
export class ClassificationAccumulator implements MetricAccumulator {
  count = 0;
  private correct = 0;
  private logLoss = 0;
  /** confusion[true * k + predicted] */
  private readonly confusion: Float64Array;

  constructor(
    readonly numClasses: number,
    readonly width: number = numClasses,
  ) {
    if (width !== numClasses && !(numClasses === 2 && width === 1)) {
      throw new Error(`output width ${width} does not fit ${numClasses} classes`);
    }
    this.confusion = new Float64Array(numClasses * numClasses);
  }

  add(outputs: ArrayLike<number>, labels: ArrayLike<number>, size: number): void {
    const k = this.numClasses;
    for (let r = 0; r < size; r++) {
      const t = labels[r]!;
      let pred = 0;
      let pTrue: number;
      if (this.width === 1) {
        const p1 = outputs[r]!;
        pred = p1 > 0.5 ? 1 : 0;
        pTrue = t === 1 ? p1 : 1 - p1;
      } else {
        const base = r * k;
        let best = outputs[base]!;
        for (let c = 1; c < k; c++) {
          const v = outputs[base + c]!;
          if (v > best) {
            best = v;
            pred = c; // ties keep the lowest class index
          }
        }
        pTrue = outputs[base + t]!;
      }
      if (pred === t) this.correct++;
      this.confusion[t * k + pred]!++;
      const p = Math.min(Math.max(pTrue, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
      this.logLoss -= Math.log(p);
      this.count++;
    }
  }

  result(): Metrics {
    const k = this.numClasses;
    let f1Sum = 0;
    let present = 0;
    for (let c = 0; c < k; c++) {
      let tp = 0;
      let predicted = 0;
      let actual = 0;
      for (let o = 0; o < k; o++) {
        predicted += this.confusion[o * k + c]!;
        actual += this.confusion[c * k + o]!;
      }
      tp = this.confusion[c * k + c]!;
      if (predicted === 0 && actual === 0) continue;
      present++;
      f1Sum += (2 * tp) / (predicted + actual); // = 2PR / (P + R), 0 when tp = 0
    }
    const n = this.count;
    return {
      accuracy: n ? this.correct / n : NaN,
      f1: present ? f1Sum / present : NaN,
      'log-loss': n ? this.logLoss / n : NaN,
    };
  }
}

/** Regression over `width` outputs per row; errors are averaged over every output value. */
export class RegressionAccumulator implements MetricAccumulator {
  count = 0;
  private se = 0;
  private ae = 0;

  constructor(readonly width = 1) {}

  add(outputs: ArrayLike<number>, labels: ArrayLike<number>, size: number): void {
    const w = this.width;
    for (let i = 0; i < size * w; i++) {
      const d = outputs[i]! - labels[i]!;
      this.se += d * d;
      this.ae += Math.abs(d);
    }
    this.count += size;
  }

  result(): Metrics {
    const n = this.count * this.width;
    return { mse: n ? this.se / n : NaN, mae: n ? this.ae / n : NaN };
  }
}

export function createAccumulator(
  taskType: 'classification' | 'regression',
  numClasses: number,
  width: number,
): MetricAccumulator {
  return taskType === 'classification' ? new ClassificationAccumulator(numClasses, width) : new RegressionAccumulator(width);
}

/**
 * All metrics of a task type for in-memory predictions.
 *
 * @example
 * computeMetrics('classification', [0.9, 0.1, 0.2, 0.8], [0, 1], { numClasses: 2 }); // accuracy 1
 */
export function computeMetrics(
  taskType: 'classification' | 'regression',
  outputs: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: { numClasses?: number; width?: number } = {},
): Metrics {
  const numClasses = options.numClasses ?? 0;
  const width = options.width ?? (taskType === 'classification' ? numClasses : 1);
  const acc = createAccumulator(taskType, numClasses, width);
  acc.add(outputs, labels, labels.length / (taskType === 'classification' ? 1 : width));
  return acc.result();
}

import { describe, expect, it } from 'vitest';
import { computeMetrics, isBetter, LOG_LOSS_EPS, metricDirection, METRICS } from '../../../src/engine/index.js';
import { ClassificationAccumulator, RegressionAccumulator } from '../../../src/engine/metrics.js';

describe('metrics (hand-computed)', () => {
  // labels 0,0,1,1,2,2; argmax predictions 0,1,1,1,2,0
  const labels = [0, 0, 1, 1, 2, 2];
  const probs = [
    [0.7, 0.2, 0.1],
    [0.3, 0.6, 0.1],
    [0.1, 0.8, 0.1],
    [0.2, 0.5, 0.3],
    [0.1, 0.1, 0.8],
    [0.5, 0.2, 0.3],
  ];
  const flat = probs.flat();

  it('accuracy, macro F1 and log-loss', () => {
    const m = computeMetrics('classification', flat, labels, { numClasses: 3 });
    expect(m.accuracy).toBeCloseTo(4 / 6, 15);
    // F1 per class: c0 tp=1 pred=2 actual=2 -> 0.5; c1 tp=2 pred=3 actual=2 -> 0.8; c2 tp=1 pred=1 actual=2 -> 2/3
    expect(m.f1).toBeCloseTo((0.5 + 0.8 + 2 / 3) / 3, 15);
    const ll = -(Math.log(0.7) + Math.log(0.3) + Math.log(0.8) + Math.log(0.5) + Math.log(0.8) + Math.log(0.3)) / 6;
    expect(m['log-loss']).toBeCloseTo(ll, 12);
  });

  it('log-loss clips probabilities at eps', () => {
    const m = computeMetrics('classification', [1, 0, 0, 1], [1, 1], { numClasses: 2 });
    expect(m['log-loss']).toBeCloseTo((-Math.log(LOG_LOSS_EPS) - Math.log(1 - LOG_LOSS_EPS)) / 2, 10);
    expect(Number.isFinite(m['log-loss'])).toBe(true);
  });

  it('macro F1 ignores classes absent from both labels and predictions (as scikit-learn)', () => {
    const m = computeMetrics('classification', [0.9, 0.1, 0, 0.2, 0.8, 0], [0, 1], { numClasses: 3 });
    expect(m.f1).toBe(1);
    expect(m.accuracy).toBe(1);
  });

  it('ties go to the lowest class index', () => {
    expect(computeMetrics('classification', [0.5, 0.5], [0], { numClasses: 2 }).accuracy).toBe(1);
  });

  it('binary classification from a single probability output', () => {
    const acc = new ClassificationAccumulator(2, 1);
    acc.add([0.9, 0.2, 0.6, 0.4], [1, 0, 0, 1], 4);
    const m = acc.result();
    expect(m.accuracy).toBe(0.5);
    expect(m['log-loss']).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8) + Math.log(0.4) + Math.log(0.4)) / 4, 12);
  });

  it('MSE and MAE', () => {
    const m = computeMetrics('regression', [1, 2, 3], [1.5, 2, 5]);
    expect(m.mse).toBeCloseTo((0.25 + 0 + 4) / 3, 15);
    expect(m.mae).toBeCloseTo((0.5 + 0 + 2) / 3, 15);
  });

  it('accumulating in batches gives the same result as all at once', () => {
    const whole = computeMetrics('classification', flat, labels, { numClasses: 3 });
    const acc = new ClassificationAccumulator(3);
    acc.add(flat.slice(0, 6), labels.slice(0, 2), 2);
    acc.add(flat.slice(6), labels.slice(2), 4);
    expect(acc.result()).toEqual(whole);
    const r = new RegressionAccumulator();
    r.add([1], [1.5], 1);
    r.add([2, 3], [2, 5], 2);
    expect(r.result()).toEqual(computeMetrics('regression', [1, 2, 3], [1.5, 2, 5]));
  });

  it('directions', () => {
    expect(METRICS).toEqual({ accuracy: 'higher', f1: 'higher', mse: 'lower', mae: 'lower', 'log-loss': 'lower' });
    expect(metricDirection('log-loss')).toBe('lower');
    expect(isBetter('accuracy', 0.9, 0.8)).toBe(true);
    expect(isBetter('mse', 0.9, 0.8)).toBe(false);
  });
});

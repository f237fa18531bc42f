/**
 * Log-space arithmetic for the RDP accountant. The terms of the subsampled-Gaussian series span
 * hundreds of orders of magnitude (exp((i^2 - i) / 2z^2) overflows a double long before the
 * binomial factor brings it back down), so every sum is kept as a logarithm.
 */

/** ln(e^a + e^b), exact for -Infinity operands. */
export function logAdd(a: number, b: number): number {
  const hi = Math.max(a, b);
  const lo = Math.min(a, b);
  if (hi === -Infinity) return -Infinity;
  return hi + Math.log1p(Math.exp(lo - hi));
}

/** ln(e^a - e^b) for a >= b; -Infinity when they are equal. */
export function logSub(a: number, b: number): number {
  if (a < b) throw new RangeError(`logSub: ln(e^${a} - e^${b}) is the log of a negative number`);
  if (b === -Infinity) return a;
  if (a === b) return -Infinity;
  const d = a - b;
  // Past ~700, expm1 overflows while e^b is negligible next to e^a at double precision.
  return d > 700 ? a : Math.log(Math.expm1(d)) + b;
}

const LOG_SQRT_PI = 0.5 * Math.log(Math.PI);

/**
 * ln(erfc(x)) for any real x, with about 1e-14 relative accuracy on erfc, including far in the
 * tail where erfc(x) itself underflows (x > 26): the series needs ln erfc((i - z0) / (sqrt 2 z))
 * for i in the hundreds.
 *  - x < 2: erfc = 1 - erf with erf's Taylor series (|x| < 2 keeps cancellation under 1e-13);
 *    x <= -2 uses erfc(x) = 2 - erfc(-x).
 *  - x >= 2: Laplace's continued fraction erfc(x) = e^(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x +
 *    (3/2)/(x + ...)))), evaluated by the modified Lentz method, in log form.
 */
export function logErfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= -2) return Math.log(2 - Math.exp(logErfc(-x)));
  if (x < 2) return Math.log1p(-erfSeries(x));
  return -x * x - LOG_SQRT_PI + Math.log(erfcContinuedFraction(x));
}

/** erf(x) by its Maclaurin series 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1)); for |x| < 2. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x; // (-1)^n x^(2n+1) / n!
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= -x2 / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** 1 / (x + a1/(x + a2/(x + ...))) with a_k = k/2, by the modified Lentz algorithm; for x >= 2. */
function erfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 5000; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / f;
}

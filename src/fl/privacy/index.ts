/**
 * Differential privacy for federated rounds: fixed clipping of client updates, Gaussian noise on
 * the aggregate (CSPRNG), and the Rényi-DP accountant of the subsampled Gaussian that prices them.
 */
export { clipDelta, clipUpdate, l2Norm, updateDelta, type ClippedDelta, type ClippedUpdate } from './clip.js';
export { addGaussianNoise, noiseStd, privatiseAggregate, type NoiseOptions, type PrivatiseOptions } from './noise.js';
export { cryptoRandomBytes, GaussianSource, type RandomBytes } from './random.js';
export { DEFAULT_ORDERS, epsilon, epsilonFromRdp, rdpCurve, rdpStep, type PrivacySpent } from './rdp.js';
export { maxRounds, PrivacyAccountant, roundEpsilon, type RoundPrivacy, type TaskPrivacy } from './accountant.js';
export { privacyReport, type PrivacyQuery, type PrivacyReport } from './report.js';
export { type FloatArray, type TensorMap } from './tensors.js';

// Precision from labelled findings, with a 95% interval small samples can be read by.

/**
 * Wilson score interval for `successes` out of `total` at 95%; undefined without a sample.
 * @param {number} successes @param {number} total
 */
export function wilson(successes, total) {
  if (total === 0) return undefined;
  const z = 1.959964;
  const p = successes / total;
  const denominator = 1 + (z * z) / total;
  const centre = (p + (z * z) / (2 * total)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / total + (z * z) / (4 * total * total))) / denominator;
  return { precision: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * The measured class of a kind of finding: `high` when its precision is at least 0.9 on enough
 * labels, `low` below 0.5, `medium` between, `unmeasured` under `minimum` labels (one or two
 * findings prove nothing either way).
 * @param {number} tp @param {number} fp @param {number} [minimum]
 * @returns {import('@premortem/core').PrecisionClass}
 */
export function precisionClass(tp, fp, minimum = 5) {
  const total = tp + fp;
  if (total < minimum) return 'unmeasured';
  const p = tp / total;
  return p >= 0.9 ? 'high' : p >= 0.5 ? 'medium' : 'low';
}

/** @param {number} tp @param {number} fp */
export function formatPrecision(tp, fp) {
  const interval = wilson(tp, tp + fp);
  if (!interval) return '–';
  return `${interval.precision.toFixed(2)} (${interval.low.toFixed(2)}–${interval.high.toFixed(2)})`;
}

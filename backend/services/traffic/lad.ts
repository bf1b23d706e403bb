/**
 * Online least-absolute-deviation (median) regression: w minimises the sum of |y - w.x| by
 * subgradient steps, w += eta * sign(y - w.x) * x. Least squares fits the conditional mean, which a
 * few extreme samples (a jam clearing, an incident starting) pull far from the typical case; the
 * median is what a mean absolute error rewards, and a sign step bounds each sample's influence
 * to eta * |x|. O(d) per update, no allocation. The forecaster learns one per horizon on jammed
 * segments (docs/decisions/0019-forecast-median-ensemble.md).
 */
export class LadRegressor {
  readonly dim: number;
  readonly weights: Float64Array;
  readonly #eta: number;
  updates = 0;

  constructor(dim: number, options: { eta?: number; initial?: readonly number[] } = {}) {
    this.dim = dim;
    this.#eta = options.eta ?? 0.002;
    this.weights = new Float64Array(dim);
    options.initial?.forEach((v, i) => (this.weights[i] = v));
  }

  predict(x: ArrayLike<number>): number {
    let y = 0;
    for (let i = 0; i < this.dim; i++) y += (this.weights[i] as number) * (x[i] as number);
    return y;
  }

  update(x: ArrayLike<number>, y: number): void {
    const r = y - this.predict(x);
    if (r === 0) return;
    const step = r > 0 ? this.#eta : -this.#eta;
    for (let i = 0; i < this.dim; i++) this.weights[i] = (this.weights[i] as number) + step * (x[i] as number);
    this.updates++;
  }
}

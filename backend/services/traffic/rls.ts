/**
 * Recursive least squares with exponential forgetting: w minimises sum lambda^(n-i) (y_i - w.x_i)^2
 * (plus a small ridge from the initial P = I / delta). O(d^2) per update, no allocation after
 * construction. Used by the forecaster to learn, online, how a segment's future speed depends on its
 * present (one regressor shared by all segments, one per horizon).
 */
export class Rls {
  readonly dim: number;
  readonly weights: Float64Array;
  readonly #p: Float64Array;
  readonly #lambda: number;
  readonly #px: Float64Array;
  updates = 0;

  constructor(dim: number, options: { lambda?: number; delta?: number; initial?: readonly number[] } = {}) {
    this.dim = dim;
    this.#lambda = options.lambda ?? 1;
    const delta = options.delta ?? 0.01;
    this.weights = new Float64Array(dim);
    options.initial?.forEach((v, i) => (this.weights[i] = v));
    this.#p = new Float64Array(dim * dim);
    for (let i = 0; i < dim; i++) this.#p[i * dim + i] = 1 / delta;
    this.#px = new Float64Array(dim);
  }

  predict(x: ArrayLike<number>): number {
    let y = 0;
    for (let i = 0; i < this.dim; i++) y += (this.weights[i] as number) * (x[i] as number);
    return y;
  }

  update(x: ArrayLike<number>, y: number): void {
    const d = this.dim;
    const p = this.#p;
    const px = this.#px;
    let denom = this.#lambda;
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (p[i * d + j] as number) * (x[j] as number);
      px[i] = s;
      denom += (x[i] as number) * s;
    }
    const err = y - this.predict(x);
    for (let i = 0; i < d; i++) this.weights[i] = (this.weights[i] as number) + ((px[i] as number) / denom) * err;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        p[i * d + j] = ((p[i * d + j] as number) - ((px[i] as number) * (px[j] as number)) / denom) / this.#lambda;
      }
    }
    this.updates++;
  }
}

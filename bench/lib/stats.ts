/** Latency summaries: exact percentiles over the recorded samples (counts here stay in the tens of thousands). */

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

/** Nearest-rank percentile of sorted values (`q` in 0..1); NaN for no values. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

const round = (x: number, digits = 2): number => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((s, x) => s + x, 0);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 0.5)),
    p95: round(percentile(sorted, 0.95)),
    p99: round(percentile(sorted, 0.99)),
    mean: round(sorted.length ? sum / sorted.length : Number.NaN),
    max: round(sorted.length ? sorted[sorted.length - 1]! : Number.NaN),
  };
}

/** Latency samples (ms) by name, e.g. per endpoint or per action. */
export class Recorder {
  private readonly samples = new Map<string, number[]>();

  add(name: string, ms: number): void {
    let list = this.samples.get(name);
    if (!list) this.samples.set(name, (list = []));
    list.push(ms);
  }

  /** Times `fn` under `name` (only when it succeeds). */
  async time<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    const result = await fn();
    this.add(name, performance.now() - t0);
    return result;
  }

  names(): string[] {
    return [...this.samples.keys()];
  }

  get(name: string): number[] {
    return this.samples.get(name) ?? [];
  }

  all(): number[] {
    return [...this.samples.values()].flat();
  }

  summary(name?: string): LatencySummary {
    return summarize(name === undefined ? this.all() : this.get(name));
  }
}

/** Least-squares slope of y over x (memory per petition from several points). */
export function slope(points: ReadonlyArray<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? Number.NaN : num / den;
}

export { round };

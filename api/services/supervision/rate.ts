/** A rate with the counts behind it: numerator / denominator, rounded to 4 places; null when nothing is counted. */
export interface Rate {
  rate: number | null;
  numerator: number;
  denominator: number;
}

export const rate = (numerator: number, denominator: number): Rate => ({
  rate: denominator === 0 ? null : Math.round((numerator / denominator) * 10_000) / 10_000,
  numerator,
  denominator,
});

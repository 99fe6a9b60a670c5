import type { ReactNode } from 'react';

/** Tones of status labels, dark text on a light tint (at least 4.5:1, WCAG AA). */
const TONES = {
  info: { color: '#0b3d91', background: '#e8f0fe', borderColor: '#b7cdf5' },
  success: { color: '#1d5e08', background: '#eef7e8', borderColor: '#b9dea0' },
  error: { color: '#9f0d1e', background: '#fff0f0', borderColor: '#f3b7b7' },
  warning: { color: '#6e4500', background: '#fff6e0', borderColor: '#ecd18f' },
  neutral: { color: '#333333', background: '#f2f2f2', borderColor: '#d9d9d9' },
} as const;
export type Tone = keyof typeof TONES;

export function StatusTag({ tone, children }: { tone: Tone; children: ReactNode }) {
  return (
    <span className="status-tag" style={TONES[tone]}>
      {children}
    </span>
  );
}

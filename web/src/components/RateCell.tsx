import { Typography } from 'antd';
import { formatRate } from '../format';
import type { Rate } from '../types';

/** A rate with the counts behind it: `87.5% (7/8)`. */
export function RateCell({ rate, testId }: { rate: Rate; testId?: string }) {
  return (
    <span data-testid={testId}>
      <Typography.Text strong>{formatRate(rate.rate)}</Typography.Text>{' '}
      <Typography.Text type="secondary">
        ({rate.numerator}/{rate.denominator})
      </Typography.Text>
    </span>
  );
}

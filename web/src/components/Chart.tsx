import { Skeleton } from 'antd';
import { lazy, Suspense, type ComponentProps } from 'react';

const EChart = lazy(() => import('./EChart'));

/** A chart whose ECharts code loads only when a chart is shown. */
export function Chart(props: ComponentProps<typeof EChart>) {
  return (
    <Suspense fallback={<Skeleton.Node active style={{ width: '100%', height: props.height }} />}>
      <EChart {...props} />
    </Suspense>
  );
}

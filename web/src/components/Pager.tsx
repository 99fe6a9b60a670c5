import { Button, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

export function Pager({
  pageNumber,
  hasPrev,
  hasNext,
  prev,
  next,
}: {
  pageNumber: number;
  hasPrev: boolean;
  hasNext: boolean;
  prev: () => void;
  next: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Space className="pager">
      <Button size="small" disabled={!hasPrev} onClick={prev}>
        {t('common.prevPage')}
      </Button>
      <Typography.Text>{t('common.page', { n: pageNumber })}</Typography.Text>
      <Button size="small" disabled={!hasNext} onClick={next} data-testid="next-page">
        {t('common.nextPage')}
      </Button>
    </Space>
  );
}

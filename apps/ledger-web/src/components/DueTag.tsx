import { Tag } from 'antd';
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n';
import { workingDaysUntil } from '../workdays';

/** A due date with the working days left, or marked overdue. */
export function DueTag({ due }: { due: string | null | undefined }) {
  const { t } = useI18n();
  const [left, setLeft] = useState<number>();
  useEffect(() => {
    if (due) void workingDaysUntil(due).then(setLeft);
  }, [due]);
  if (!due) return <span>—</span>;
  return (
    <span data-testid="due">
      {due}{' '}
      {left === undefined ? null : left < 0 ? (
        <Tag color="red">{t('overdue')}</Tag>
      ) : left === 0 ? (
        <Tag color="orange">{t('dueToday')}</Tag>
      ) : (
        <Tag color={left <= 1 ? 'orange' : 'blue'}>{t('workingDaysLeft', { n: left })}</Tag>
      )}
    </span>
  );
}

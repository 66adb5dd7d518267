import { Alert, Button, Card, Progress, Space } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { api, call } from '../api/client';
import type { VerifyAnswer } from '../api/types';
import { useI18n } from '../i18n';

/**
 * Ledger verification: the API checks every stream's hash chain in one request; the bar runs
 * while it does and ends full (or red) with its answer.
 */
export function VerifyPage() {
  const { t } = useI18n();
  const [running, setRunning] = useState(false);
  const [percent, setPercent] = useState(0);
  const [answer, setAnswer] = useState<VerifyAnswer>();
  const [failure, setFailure] = useState<string>();
  const timer = useRef<number>(undefined);
  useEffect(() => () => window.clearInterval(timer.current), []);

  const run = async () => {
    setRunning(true);
    setAnswer(undefined);
    setFailure(undefined);
    setPercent(5);
    timer.current = window.setInterval(
      () => setPercent((p) => Math.min(95, p + (95 - p) / 10)),
      200,
    );
    try {
      const result = await call<VerifyAnswer>(api.GET('/api/v1/ledger/verify'));
      setAnswer(result);
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    } finally {
      window.clearInterval(timer.current);
      setPercent(100);
      setRunning(false);
    }
  };

  return (
    <Card title={t('verify')}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Button type="primary" onClick={() => void run()} loading={running}>
          {t('verify')}
        </Button>
        {(running || answer || failure) && (
          <Progress
            aria-label={t('verify')}
            percent={Math.round(percent)}
            status={running ? 'active' : answer?.ok ? 'success' : 'exception'}
          />
        )}
        {running && <span>{t('verifying')}</span>}
        {answer && (
          <Alert
            data-testid="verify-result"
            role="status"
            type={answer.ok ? 'success' : 'error'}
            showIcon
            message={
              answer.ok
                ? t('verifyOk', { streams: answer.streams, events: answer.events })
                : t('verifyBad', { event: JSON.stringify(answer.firstBadEvent) })
            }
          />
        )}
        {failure && <Alert type="error" showIcon message={failure} />}
      </Space>
    </Card>
  );
}

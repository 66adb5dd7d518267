import { Alert, Button, Card, Form, Input } from 'antd';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError } from '../api/client';
import { useI18n } from '../i18n';
import { useSession } from '../session';

/** Sign-in: the API answers with an httpOnly session cookie and a readable CSRF cookie. */
export function LoginPage() {
  const { t } = useI18n();
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async ({ username, password }: { username: string; password: string }) => {
    setBusy(true);
    setFailure(undefined);
    try {
      const me = await signIn(username, password);
      const next = params.get('next');
      void navigate(
        next?.startsWith('/')
          ? next
          : ['reviewer', 'auditor'].includes(me.role)
            ? '/audit'
            : '/work',
      );
    } catch (error) {
      setFailure(
        error instanceof ApiError && error.status === 429 ? t('signInLocked') : t('signInFailed'),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={t('signIn')} style={{ maxWidth: 420, margin: '48px auto' }}>
      {params.get('changed') === '1' && !failure && (
        <Alert
          role="status"
          type="success"
          showIcon
          message={t('passwordChanged')}
          style={{ marginBottom: 16 }}
        />
      )}
      {failure && (
        <Alert role="alert" type="error" showIcon message={failure} style={{ marginBottom: 16 }} />
      )}
      <Form
        layout="vertical"
        onFinish={(v: { username: string; password: string }) => void submit(v)}
      >
        <Form.Item name="username" label={t('username')} rules={[{ required: true }]}>
          <Input autoComplete="username" />
        </Form.Item>
        <Form.Item name="password" label={t('password')} rules={[{ required: true }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} block>
          {t('signIn')}
        </Button>
      </Form>
    </Card>
  );
}

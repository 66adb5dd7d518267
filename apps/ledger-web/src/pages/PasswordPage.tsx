import { Alert, Button, Card, Form, Input } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, ApiError, call } from '../api/client';
import { useI18n } from '../i18n';
import { useSession } from '../session';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

/**
 * 修改密码: the holder changes their own password with the current one (`POST /auth/password`).
 * Every session signed in before it ends, this one too: the page signs out and sends the user to
 * sign in again with the new password.
 */
export function PasswordPage() {
  const { t } = useI18n();
  const { signOut } = useSession();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async ({ currentPassword, newPassword }: Values) => {
    setBusy(true);
    setFailure(undefined);
    try {
      await call(api.POST('/api/v1/auth/password', { body: { currentPassword, newPassword } }));
      await signOut();
      void navigate('/login?changed=1');
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setFailure(
        error.status === 401
          ? t('currentPasswordWrong')
          : error.status === 429
            ? t('signInLocked')
            : error.message,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={t('changePassword')} style={{ maxWidth: 420, margin: '48px auto' }}>
      {failure && (
        <Alert role="alert" type="error" showIcon message={failure} style={{ marginBottom: 16 }} />
      )}
      <Form form={form} layout="vertical" name="password" onFinish={(v: Values) => void submit(v)}>
        <Form.Item name="currentPassword" label={t('currentPassword')} rules={[{ required: true }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item
          name="newPassword"
          label={t('newPassword')}
          rules={[{ required: true, min: 10, max: 128 }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('confirmPassword')}
          dependencies={['newPassword']}
          rules={[
            { required: true },
            ({ getFieldValue }) => ({
              validator: (_, value) =>
                value === getFieldValue('newPassword')
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('passwordsDiffer'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} block>
          {t('changePassword')}
        </Button>
      </Form>
    </Card>
  );
}

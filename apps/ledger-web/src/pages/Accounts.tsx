import { Alert, Button, Card, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { api, call } from '../api/client';
import type { components } from '../api/schema';
import type { Role, UserRow } from '../api/local-paths';
import { Loading, SubmitButton, useCommand, useLoad } from '../components/common';
import { useI18n } from '../i18n';

const ROLES: Role[] = ['admin', 'regulator', 'agency', 'reviewer', 'auditor'];
const JURISDICTIONS = ['beijing', 'chongqing', 'jiaxing', 'urumqi'];

type NewUser = components['schemas']['CreateUserDto'];
type AccountValues = Omit<NewUser, 'role'> & { role?: Role };

/**
 * Accounts (issue 12 item 1, seed 002 §七): an administrator creates and disables every kind;
 * an agency's main account (`uscc` given) creates and disables sub-accounts of its own USCC.
 * The API decides who may do what; the form only leaves out what the caller cannot choose.
 */
export function Accounts({ uscc }: { uscc?: string }) {
  const { t } = useI18n();
  const users = useLoad(async () => {
    const answer = await call<UserRow[] | { items: UserRow[] }>(api.GET('/api/v1/users'));
    return Array.isArray(answer) ? answer : answer.items;
  }, [uscc]);
  const [form] = Form.useForm<AccountValues>();
  const role = Form.useWatch('role', form);
  const create = useCommand(form, async (v: AccountValues) => {
    const body: NewUser =
      uscc === undefined ? { ...v, role: v.role ?? 'regulator' } : { ...v, role: 'agency', uscc };
    const answer = await call<{ userId: string }>(api.POST('/api/v1/users', { body }));
    users.reload();
    form.resetFields();
    return answer;
  });
  const [resetting, setResetting] = useState<UserRow>();
  const [resetDone, setResetDone] = useState(false);
  const [resetForm] = Form.useForm<{ password: string }>();
  const reset = useCommand(resetForm, async ({ password }: { password: string }) => {
    const userId = resetting!.userId;
    const answer = await call<{ userId: string }>(
      api.POST('/api/v1/users/{userId}/password', {
        params: { path: { userId } },
        body: { password },
      }),
    );
    resetForm.resetFields();
    setResetting(undefined);
    setResetDone(true);
    users.reload();
    return answer;
  });
  const disable = async (userId: string) => {
    await call(
      api.POST('/api/v1/users/{userId}/disable', { params: { path: { userId } }, body: {} }),
    );
    users.reload();
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {resetDone && <Alert role="status" type="success" showIcon message={t('passwordReset')} />}
      <Modal
        open={resetting !== undefined}
        title={`${t('resetPassword')}: ${resetting?.username ?? ''}`}
        okText={t('resetPassword')}
        onOk={() => resetForm.submit()}
        onCancel={() => setResetting(undefined)}
        destroyOnHidden
      >
        {reset.alert}
        <Form
          form={resetForm}
          name="resetPassword"
          layout="vertical"
          onFinish={(v: { password: string }) => void reset.submit(v)}
        >
          <Form.Item
            name="password"
            label={t('newPassword')}
            rules={[{ required: true, min: 10, max: 128 }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>
      <Loading state={users}>
        {() => (
          <Table<UserRow>
            size="small"
            rowKey="userId"
            pagination={false}
            dataSource={users.data}
            columns={[
              { title: t('username'), dataIndex: 'username' },
              { title: t('displayName'), dataIndex: 'displayName' },
              ...(uscc === undefined
                ? [
                    { title: t('role'), dataIndex: 'role' },
                    {
                      title: t('jurisdiction'),
                      render: (_: unknown, u: UserRow) => u.jurisdiction ?? u.uscc ?? '',
                    },
                  ]
                : []),
              {
                title: t('status'),
                render: (_: unknown, u) =>
                  u.disabled ? (
                    <Tag>{t('disabled')}</Tag>
                  ) : u.main ? (
                    <Tag color="blue">main</Tag>
                  ) : null,
              },
              {
                title: '',
                render: (_: unknown, u) =>
                  !u.disabled && (uscc === undefined ? u.role !== 'admin' : !u.main) ? (
                    <Space>
                      <Button
                        size="small"
                        onClick={() => {
                          setResetDone(false);
                          setResetting(u);
                        }}
                      >
                        {t('resetPassword')}
                      </Button>
                      <Button size="small" danger onClick={() => void disable(u.userId)}>
                        {t('disable')}
                      </Button>
                    </Space>
                  ) : null,
              },
            ]}
          />
        )}
      </Loading>
      <Card title={t('create')} size="small">
        {create.alert}
        <Form
          form={form}
          name={uscc === undefined ? 'accounts' : 'subAccounts'}
          layout="inline"
          onFinish={(v: AccountValues) => void create.submit(v)}
          autoComplete="off"
          initialValues={{ role: 'regulator' }}
        >
          <Form.Item name="username" label={t('username')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="displayName" label={t('displayName')}>
            <Input />
          </Form.Item>
          <Form.Item name="password" label={t('password')} rules={[{ required: true, min: 10 }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          {uscc === undefined && (
            <Form.Item name="role" label={t('role')} rules={[{ required: true }]}>
              <Select style={{ width: 130 }} options={ROLES.map((r) => ({ value: r, label: r }))} />
            </Form.Item>
          )}
          {uscc === undefined && role === 'regulator' && (
            <Form.Item name="jurisdiction" label={t('jurisdiction')} rules={[{ required: true }]}>
              <Select
                style={{ width: 130 }}
                options={JURISDICTIONS.map((j) => ({ value: j, label: j }))}
              />
            </Form.Item>
          )}
          {uscc === undefined && role === 'agency' && (
            <Form.Item name="uscc" label={t('uscc')} rules={[{ required: true, len: 18 }]}>
              <Input />
            </Form.Item>
          )}
          <SubmitButton busy={create.busy} />
        </Form>
      </Card>
    </Space>
  );
}

import { Alert, Card, Descriptions, Form, Input, Select, Space, Tabs, Typography } from 'antd';
import { Link, useSearchParams } from 'react-router-dom';
import { api, call } from '../api/client';
import type { components } from '../api/schema';
import { Accounts } from './Accounts';
import type { CommandAnswer, CreditRecordAnswer, Cycle, RegistryEntry } from '../api/types';
import { GradeTag, Loading, SubmitButton, useCommand, useLoad } from '../components/common';
import { DueTag } from '../components/DueTag';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { shanghaiToday } from '../workdays';
import { DateField, OccurredAt, toBody } from './forms';

type Schemas = components['schemas'];

/** The agency's own workbench: its record and status, and what it files. */
export function AgencyHome() {
  const { me } = useSession();
  const { t, term } = useI18n();
  const uscc = me?.uscc ?? '';
  const [params, setParams] = useSearchParams();
  const entry = useLoad(
    () => call<RegistryEntry>(api.GET('/api/v1/agencies/{uscc}', { params: { path: { uscc } } })),
    [uscc],
  );
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('myRecord')}
      </Typography.Title>
      <Loading state={entry}>
        {() => {
          const a = entry.data!;
          return (
            <Descriptions bordered size="small" column={{ xs: 1, md: 3 }}>
              <Descriptions.Item label={t('name')}>
                <Link to={`/agencies/${a.uscc}`}>{a.name}</Link>
              </Descriptions.Item>
              <Descriptions.Item label={t('uscc')}>{a.uscc}</Descriptions.Item>
              <Descriptions.Item label={t('status')}>{term(a.status)}</Descriptions.Item>
              <Descriptions.Item label={t('grade')}>
                <GradeTag grade={a.grade} />
              </Descriptions.Item>
              <Descriptions.Item label={t('personnel')}>{a.activePersonnel ?? 0}</Descriptions.Item>
              <Descriptions.Item label={t('equipment')}>
                {a.equipmentInService ?? 0}
              </Descriptions.Item>
              {a.status === 'pending-review' && (
                <Descriptions.Item label={t('dueOn')}>
                  <DueTag due={a.reviewDueOn} />
                </Descriptions.Item>
              )}
              {a.pendingChange && (
                <Descriptions.Item label={t('queueChanges')}>
                  {a.pendingChange.filedOn} → <DueTag due={a.pendingChange.reviewDueOn} />
                </Descriptions.Item>
              )}
            </Descriptions>
          );
        }}
      </Loading>
      <Tabs
        activeKey={params.get('tab') ?? 'objection'}
        onChange={(key) => setParams({ tab: key })}
        items={[
          {
            key: 'objection',
            label: t('objection'),
            children: <ObjectionForm uscc={uscc} jurisdiction={entry.data?.jurisdiction} />,
          },
          { key: 'repair', label: t('creditRepair'), children: <RepairForm uscc={uscc} /> },
          {
            key: 'changes',
            label: t('changes'),
            children: <ChangeForm uscc={uscc} onDone={entry.reload} />,
          },
          { key: 'personnel', label: t('personnel'), children: <PersonnelForm uscc={uscc} /> },
          { key: 'equipment', label: t('equipment'), children: <EquipmentForm uscc={uscc} /> },
          ...(me?.main
            ? [{ key: 'accounts', label: t('subAccounts'), children: <Accounts uscc={uscc} /> }]
            : []),
        ]}
      />
    </Space>
  );
}

/** An objection to the grade proposed in a cycle under publicity (refused outside it, with the article). */
function ObjectionForm({ uscc, jurisdiction }: { uscc: string; jurisdiction?: string }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const year = Number(shanghaiToday().slice(0, 4));
  const cycles = useLoad(async () => {
    if (!jurisdiction) return [];
    const found = await Promise.all(
      [year - 1, year].map((y) =>
        call<Cycle>(
          api.GET('/api/v1/grading-cycles/{cycleId}', {
            params: { path: { cycleId: `${jurisdiction}-${y}` } },
          }),
        ).catch(() => undefined),
      ),
    );
    return found.filter(
      (c): c is Cycle => c !== undefined && c.proposals.some((p) => p.uscc === uscc),
    );
  }, [jurisdiction, uscc]);
  const { submit, busy, alert, done } = useCommand(form, (v: Record<string, unknown>) =>
    call<CommandAnswer>(
      api.POST('/api/v1/agencies/{uscc}/objections', {
        params: { path: { uscc } },
        body: toBody<Schemas['FileObjectionDto']>(v),
      }),
    ),
  );
  return (
    <Card>
      {alert}
      {done && (
        <Alert
          data-testid="objection-filed"
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('objectionFiled', { due: done.reviewDueOn ?? '—' })}
        />
      )}
      <Loading state={cycles}>
        {() => (
          <Form
            form={form}
            name={`objectionForm`}
            layout="vertical"
            onFinish={(v: Parameters<typeof submit>[0]) => void submit(v)}
            style={{ maxWidth: 640 }}
          >
            <Form.Item name="cycleId" label={t('cycleId')} rules={[{ required: true }]}>
              <Select
                options={cycles.data!.map((c) => ({
                  value: c.cycleId,
                  label: `${c.cycleId}（${t('proposals')} ${c.proposals.find((p) => p.uscc === uscc)?.grade ?? ''}，${t('publicityEndsOn')} ${c.publicityEndsOn}）`,
                }))}
              />
            </Form.Item>
            <Form.Item name="reason" label={t('reason')} rules={[{ required: true }]}>
              <Input.TextArea rows={3} />
            </Form.Item>
            <OccurredAt />
            <SubmitButton busy={busy} />
          </Form>
        )}
      </Loading>
    </Card>
  );
}

function RepairForm({ uscc }: { uscc: string }) {
  const { t, term } = useI18n();
  const [form] = Form.useForm();
  const record = useLoad(
    () =>
      call<CreditRecordAnswer>(
        api.GET('/api/v1/agencies/{uscc}/credit-record', { params: { path: { uscc } } }),
      ),
    [uscc],
  );
  const { submit, busy, alert } = useCommand(form, (v: Record<string, unknown>) =>
    call<CommandAnswer>(
      api.POST('/api/v1/agencies/{uscc}/credit-repairs', {
        params: { path: { uscc } },
        body: toBody<Schemas['CreditRepairDto']>(v),
      }),
    ),
  );
  return (
    <Card>
      {alert}
      <Loading state={record}>
        {() => (
          <Form
            form={form}
            name={`repairForm`}
            layout="vertical"
            onFinish={(v: Parameters<typeof submit>[0]) => void submit(v)}
            style={{ maxWidth: 640 }}
          >
            <Form.Item name="recordEventId" label={t('recordEventId')} rules={[{ required: true }]}>
              <Select
                options={record.data!.records.map((r) => ({
                  value: r.recordEventId,
                  label: `${term(r.kind)} ${r.occurredOn} ${(r.summary.decisionNumber ?? r.summary.description ?? '') as string}`,
                }))}
              />
            </Form.Item>
            <Form.Item name="reason" label={t('reason')} rules={[{ required: true }]}>
              <Input.TextArea rows={3} />
            </Form.Item>
            <OccurredAt />
            <SubmitButton busy={busy} />
          </Form>
        )}
      </Loading>
    </Card>
  );
}

function ChangeForm({ uscc, onDone }: { uscc: string; onDone(): void }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const { submit, busy, alert } = useCommand(
    form,
    async (v: {
      scope?: string;
      registered?: string;
      workplace?: string;
      changedAt: unknown;
      occurredAt?: unknown;
    }) => {
      const changes: Schemas['RegistrationChangesDto'] = {
        ...(v.scope && { scope: v.scope.split(/[,，、\s]+/).filter(Boolean) }),
        ...((v.registered || v.workplace) && {
          addresses: {
            ...(v.registered && { registered: v.registered }),
            ...(v.workplace && { workplace: v.workplace }),
          },
        }),
      };
      const answer = await call<CommandAnswer>(
        api.POST('/api/v1/agencies/{uscc}/changes', {
          params: { path: { uscc } },
          body: {
            ...toBody<Omit<Schemas['ChangeRegistrationDto'], 'changes'>>({
              changedAt: v.changedAt,
              occurredAt: v.occurredAt,
            }),
            changes,
          },
        }),
      );
      onDone();
      return answer;
    },
  );
  return (
    <Card>
      {alert}
      <Form
        form={form}
        name={`changeForm`}
        layout="vertical"
        onFinish={(v: Parameters<typeof submit>[0]) => void submit(v)}
        style={{ maxWidth: 640 }}
      >
        <Form.Item name="scope" label={t('scope')}>
          <Input placeholder="water、air" />
        </Form.Item>
        <Form.Item name="registered" label="注册地址 / registered address">
          <Input />
        </Form.Item>
        <Form.Item name="workplace" label="工作场所地址 / workplace">
          <Input />
        </Form.Item>
        <DateField name="changedAt" label={t('changedAt')} />
        <OccurredAt />
        <SubmitButton busy={busy} />
      </Form>
    </Card>
  );
}

const PERSONNEL_ROLES = [
  'technical-management',
  'quality-management',
  'sample-management',
  'field-sampling',
  'field-testing',
  'laboratory-analysis',
  'report-preparation',
  'report-review',
  'authorised-signatory',
  'field-om',
  'quality-supervision',
];

function PersonnelForm({ uscc }: { uscc: string }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const { submit, busy, alert } = useCommand(form, (v: Record<string, unknown>) =>
    call<CommandAnswer>(
      api.POST('/api/v1/agencies/{uscc}/personnel', {
        params: { path: { uscc } },
        body: toBody<Schemas['AddPersonnelDto']>({ technical: true, ...v }),
      }),
    ),
  );
  return (
    <Card>
      {alert}
      <Form
        form={form}
        name={`personnelForm`}
        layout="vertical"
        onFinish={(v: Parameters<typeof submit>[0]) => void submit(v)}
        style={{ maxWidth: 640 }}
        autoComplete="off"
      >
        <Form.Item name="name" label={t('displayName')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="idNumber" label={t('idNumber')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="role" label={t('personRole')} rules={[{ required: true }]}>
          <Select options={PERSONNEL_ROLES.map((r) => ({ value: r, label: r }))} />
        </Form.Item>
        <DateField name="joinedAt" label={t('joinedAt')} required={false} />
        <OccurredAt />
        <SubmitButton busy={busy} />
      </Form>
    </Card>
  );
}

function EquipmentForm({ uscc }: { uscc: string }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const { submit, busy, alert } = useCommand(form, (v: Record<string, unknown>) =>
    call<CommandAnswer>(
      api.POST('/api/v1/agencies/{uscc}/equipment', {
        params: { path: { uscc } },
        body: toBody<Schemas['AddEquipmentDto']>(v),
      }),
    ),
  );
  return (
    <Card>
      {alert}
      <Form
        form={form}
        name={`equipmentForm`}
        layout="vertical"
        onFinish={(v: Parameters<typeof submit>[0]) => void submit(v)}
        style={{ maxWidth: 640 }}
      >
        <Form.Item name="name" label={t('equipmentName')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="model" label={t('model')}>
          <Input />
        </Form.Item>
        <Form.Item name="serial" label={t('serial')}>
          <Input />
        </Form.Item>
        <OccurredAt />
        <SubmitButton busy={busy} />
      </Form>
    </Card>
  );
}

/** The main account's sub-accounts (seed 002 §七): list, create, disable. */

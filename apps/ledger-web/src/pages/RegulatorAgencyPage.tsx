import {
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  InputNumber,
  Radio,
  Select,
  Space,
  Table,
  Tabs,
  Typography,
} from 'antd';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { api, call } from '../api/client';
import type { components } from '../api/schema';
import type { CommandAnswer, CreditRecordAnswer, RegistryEntry } from '../api/types';
import { GradeTag, Loading, SubmitButton, useCommand, useLoad } from '../components/common';
import { DueTag } from '../components/DueTag';
import { useI18n } from '../i18n';
import { DateField, OccurredAt, toBody } from './forms';

type Schemas = components['schemas'];

/** One agency, for its regulator: its entry and the forms of supervision. */
export function RegulatorAgencyPage() {
  const { uscc = '' } = useParams();
  const { t, term } = useI18n();
  const [params, setParams] = useSearchParams();
  const entry = useLoad(
    () => call<RegistryEntry>(api.GET('/api/v1/agencies/{uscc}', { params: { path: { uscc } } })),
    [uscc],
  );
  const tab = params.get('tab') ?? (entry.data?.status === 'pending-review' ? 'review' : 'penalty');
  return (
    <Loading state={entry}>
      {() => {
        const a = entry.data!;
        return (
          <Space direction="vertical" size="large" style={{ width: '100%' }}>
            <Typography.Title level={2} style={{ margin: 0 }}>
              {a.name} <GradeTag grade={a.grade} />
            </Typography.Title>
            <Space wrap>
              <span>
                {t('uscc')}: {a.uscc}
              </span>
              <span>
                {t('status')}: <strong data-testid="agency-status">{term(a.status)}</strong>
              </span>
              {a.status === 'pending-review' && (
                <span>
                  {t('dueOn')}: <DueTag due={a.reviewDueOn} />
                </span>
              )}
              <Link to={`/audit/${a.uscc}`}>{t('timeline')}</Link>
              <Link to={`/agencies/${a.uscc}`}>{t('registration')}</Link>
            </Space>
            <Tabs
              activeKey={tab}
              onChange={(key) => setParams({ tab: key })}
              items={[
                {
                  key: 'review',
                  label: t('review'),
                  children: (
                    <ReviewForm
                      uscc={uscc}
                      onDone={() => {
                        // The default tab follows the status: stay on the review just recorded.
                        setParams({ tab: 'review' });
                        entry.reload();
                      }}
                    />
                  ),
                },
                {
                  key: 'inspection',
                  label: t('inspection'),
                  children: <InspectionForm uscc={uscc} />,
                },
                { key: 'penalty', label: t('penalty'), children: <PenaltyForm uscc={uscc} /> },
                {
                  key: 'finding',
                  label: t('creditFinding'),
                  children: <CreditFindingForm uscc={uscc} />,
                },
                {
                  key: 'assessment',
                  label: t('assessment'),
                  children: <AssessmentForm uscc={uscc} />,
                },
                {
                  key: 'repairs',
                  label: t('queueRepairs'),
                  children: <RepairDecisions uscc={uscc} />,
                },
              ]}
            />
          </Space>
        );
      }}
    </Loading>
  );
}

function ReviewForm({ uscc, onDone }: { uscc: string; onDone(): void }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const { submit, busy, alert } = useCommand(form, async (v: Record<string, unknown>) => {
    const answer = await call<CommandAnswer>(
      api.POST('/api/v1/agencies/{uscc}/review', {
        params: { path: { uscc } },
        body: toBody<Schemas['ReviewRegistrationDto']>(v),
      }),
    );
    onDone();
    return answer;
  });
  return (
    <Card>
      {alert}
      <Form
        form={form}
        name={`reviewForm`}
        layout="vertical"
        onFinish={(v: Parameters<typeof submit>[0]) => void submit(v)}
        style={{ maxWidth: 560 }}
      >
        <Form.Item name="outcome" label={t('review')} rules={[{ required: true }]}>
          <Radio.Group
            options={[
              { value: 'approved', label: t('approve') },
              { value: 'returned', label: t('returnFiling') },
            ]}
          />
        </Form.Item>
        <Form.Item name="reason" label={t('reason')}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <OccurredAt />
        <SubmitButton busy={busy} />
      </Form>
    </Card>
  );
}

const VIOLATIONS = [
  'data-fraud',
  'false-report',
  'untrue-report',
  'false-om',
  'refused-inspection',
  'other',
];

function PenaltyForm({ uscc }: { uscc: string }) {
  const { t, term } = useI18n();
  const [form] = Form.useForm();
  const { submit, busy, alert } = useCommand(form, (v: Record<string, unknown>) =>
    call<CommandAnswer>(
      api.POST('/api/v1/agencies/{uscc}/penalties', {
        params: { path: { uscc } },
        body: toBody<Schemas['ImposePenaltyDto']>(v),
      }),
    ),
  );
  return (
    <Card>
      {alert}
      <Form
        form={form}
        name={`penaltyForm`}
        layout="vertical"
        onFinish={(v: Parameters<typeof submit>[0]) => void submit(v)}
        style={{ maxWidth: 640 }}
      >
        <Form.Item name="decisionNumber" label={t('decisionNumber')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <DateField name="decidedAt" label={t('decidedAt')} />
        <Form.Item name="violationType" label={t('violationType')} rules={[{ required: true }]}>
          <Select options={VIOLATIONS.map((v) => ({ value: v, label: term(v) }))} />
        </Form.Item>
        <Form.Item name="legalBasis" label={t('legalBasis')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="content" label={t('content')} rules={[{ required: true }]}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <Form.Item name="fineYuan" label={t('fineYuan')}>
          <InputNumber min={0} style={{ width: 200 }} />
        </Form.Item>
        <OccurredAt />
        <SubmitButton busy={busy} />
      </Form>
    </Card>
  );
}

const METHODS = ['on-site', 'off-site', 'blind-sample', 'inter-lab-comparison', 'record-review'];
const FINDINGS = [
  'non-standard-monitoring',
  'sample-management',
  'record-keeping',
  'quality-system',
  'capability-mismatch',
  'untrue-report',
  'false-report',
  'refused-inspection',
  'other',
];

function InspectionForm({ uscc }: { uscc: string }) {
  const { t, term } = useI18n();
  const [form] = Form.useForm();
  const { submit, busy, alert } = useCommand(form, (v: Record<string, unknown>) => {
    const { findings, ...rest } = v as { findings?: string[] };
    return call<CommandAnswer>(
      api.POST('/api/v1/agencies/{uscc}/inspections', {
        params: { path: { uscc } },
        body: {
          ...toBody<Schemas['RecordInspectionDto']>(rest),
          findings: (findings ?? []).map((code) => ({ code })),
        } as Schemas['RecordInspectionDto'],
      }),
    );
  });
  return (
    <Card>
      {alert}
      <Form
        form={form}
        name={`inspectionForm`}
        layout="vertical"
        onFinish={(v: Parameters<typeof submit>[0]) => void submit(v)}
        style={{ maxWidth: 640 }}
      >
        <DateField name="inspectedAt" label={t('inspectedAt')} />
        <Form.Item name="method" label={t('method')} rules={[{ required: true }]}>
          <Select options={METHODS.map((m) => ({ value: m, label: term(m) }))} />
        </Form.Item>
        <Form.Item name="findings" label={t('findings')}>
          <Checkbox.Group options={FINDINGS.map((f) => ({ value: f, label: term(f) }))} />
        </Form.Item>
        <OccurredAt />
        <SubmitButton busy={busy} />
      </Form>
    </Card>
  );
}

const FINDING_KINDS = [
  'credit-bad',
  'police-case-opened',
  'serious-dishonesty-listed',
  'serious-dishonesty-removed',
];

function CreditFindingForm({ uscc }: { uscc: string }) {
  const { t, term } = useI18n();
  const [form] = Form.useForm();
  const { submit, busy, alert } = useCommand(form, (v: Record<string, unknown>) =>
    call<CommandAnswer>(
      api.POST('/api/v1/agencies/{uscc}/credit-findings', {
        params: { path: { uscc } },
        body: toBody<Schemas['RecordCreditFindingDto']>(v),
      }),
    ),
  );
  return (
    <Card>
      {alert}
      <Form
        form={form}
        name={`creditFindingForm`}
        layout="vertical"
        onFinish={(v: Parameters<typeof submit>[0]) => void submit(v)}
        style={{ maxWidth: 640 }}
      >
        <Form.Item name="kind" label={t('kindOfFinding')} rules={[{ required: true }]}>
          <Select options={FINDING_KINDS.map((k) => ({ value: k, label: term(k) }))} />
        </Form.Item>
        <Form.Item
          name="article"
          label={t('article')}
          rules={[{ required: true }]}
          extra="beijing-9-3"
        >
          <Input />
        </Form.Item>
        <DateField name="decidedAt" label={t('decidedAt')} />
        <Form.Item name="description" label={t('description')}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <OccurredAt />
        <SubmitButton busy={busy} />
      </Form>
    </Card>
  );
}

function AssessmentForm({ uscc }: { uscc: string }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const { submit, busy, alert } = useCommand(form, (v: Record<string, unknown>) =>
    call<CommandAnswer>(
      api.POST('/api/v1/agencies/{uscc}/assessments', {
        params: { path: { uscc } },
        body: toBody<Schemas['RecordAssessmentDto']>(v),
      }),
    ),
  );
  return (
    <Card>
      {alert}
      <Form
        form={form}
        name={`assessmentForm`}
        layout="vertical"
        onFinish={(v: Parameters<typeof submit>[0]) => void submit(v)}
        style={{ maxWidth: 640 }}
      >
        <Form.Item name="year" label={t('year')} rules={[{ required: true }]}>
          <InputNumber min={2000} max={2100} />
        </Form.Item>
        <Form.Item name="score" label={t('score')} rules={[{ required: true }]}>
          <InputNumber min={0} max={100} />
        </Form.Item>
        <Form.Item name="noBusiness" valuePropName="checked">
          <Checkbox>{t('noBusiness')}</Checkbox>
        </Form.Item>
        <OccurredAt />
        <SubmitButton busy={busy} />
      </Form>
    </Card>
  );
}

/** Credit-repair applications on this agency's records, each with its decision form. */
function RepairDecisions({ uscc }: { uscc: string }) {
  const { t, term } = useI18n();
  const record = useLoad(
    () =>
      call<CreditRecordAnswer>(
        api.GET('/api/v1/agencies/{uscc}/credit-record', { params: { path: { uscc } } }),
      ),
    [uscc],
  );
  return (
    <Loading state={record}>
      {() => (
        <Table
          size="small"
          rowKey="repairId"
          pagination={false}
          dataSource={record.data!.records.flatMap((r) =>
            (r.repairs ?? []).map((x) => ({ ...x, kind: r.kind, occurredOn: r.occurredOn })),
          )}
          columns={[
            { title: t('kind'), dataIndex: 'kind', render: (k: string) => term(k) },
            { title: t('occurredOn'), dataIndex: 'occurredOn' },
            { title: t('filedOn'), dataIndex: 'requestedOn' },
            { title: t('reason'), dataIndex: 'reason' },
            { title: t('status'), dataIndex: 'status' },
            {
              title: t('decide'),
              render: (_: unknown, x: { repairId: string; status: string }) =>
                x.status === 'pending' ? (
                  <RepairDecision repairId={x.repairId} onDone={record.reload} />
                ) : null,
            },
          ]}
        />
      )}
    </Loading>
  );
}

function RepairDecision({ repairId, onDone }: { repairId: string; onDone(): void }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const { submit, busy, alert } = useCommand(form, async (v: Record<string, unknown>) => {
    const answer = await call<CommandAnswer>(
      api.POST('/api/v1/credit-repairs/{repairId}/decision', {
        params: { path: { repairId } },
        body: toBody<Schemas['DecideCreditRepairDto']>(v),
      }),
    );
    onDone();
    return answer;
  });
  return (
    <Form
      form={form}
      name={`repairDecision-${repairId}`}
      layout="inline"
      onFinish={(v: Parameters<typeof submit>[0]) => void submit(v)}
    >
      {alert}
      <Form.Item name="outcome" rules={[{ required: true }]}>
        <Radio.Group
          options={[
            { value: 'approved', label: t('approve') },
            { value: 'rejected', label: t('rejected') },
          ]}
        />
      </Form.Item>
      <OccurredAt />
      <Button htmlType="submit" loading={busy}>
        {t('submit')}
      </Button>
    </Form>
  );
}

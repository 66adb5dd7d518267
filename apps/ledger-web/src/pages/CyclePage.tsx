import {
  Alert,
  Button,
  Card,
  Descriptions,
  Form,
  InputNumber,
  Radio,
  Space,
  Table,
  Tooltip,
  Typography,
} from 'antd';
import { Link, useParams } from 'react-router-dom';
import { api, call } from '../api/client';
import type { components } from '../api/schema';
import type { CommandAnswer, Cycle } from '../api/types';
import { GradeTag, Loading, useCommand, useLoad } from '../components/common';
import { DueTag } from '../components/DueTag';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { shanghaiToday } from '../workdays';
import { OccurredAt, toBody } from './forms';

/**
 * A grading cycle: the proposals under publicity, the objections with their due dates, and
 * publication, enabled only once the policy allows it (publicity over, no objection pending);
 * the API's refusal, should it still come, is shown with its article.
 */
export function CyclePage() {
  const { cycleId = '' } = useParams();
  const { t, term } = useI18n();
  const { me } = useSession();
  const cycle = useLoad(
    () =>
      call<Cycle>(api.GET('/api/v1/grading-cycles/{cycleId}', { params: { path: { cycleId } } })),
    [cycleId],
  );
  const [form] = Form.useForm();
  const publish = useCommand(form, async (v: Record<string, unknown>) => {
    const answer = await call<CommandAnswer>(
      api.POST('/api/v1/grading-cycles/{cycleId}/publish', {
        params: { path: { cycleId } },
        body: toBody<components['schemas']['PublishGradingCycleDto']>(v),
      }),
    );
    cycle.reload();
    return answer;
  });
  return (
    <Loading state={cycle}>
      {() => {
        const c = cycle.data!;
        const pending = c.objections.filter((o) => o.status === 'pending').length;
        const publicityOver = shanghaiToday() > c.publicityEndsOn;
        const mayPublish = c.status === 'publicity' && publicityOver && pending === 0;
        return (
          <Space direction="vertical" size="large" style={{ width: '100%' }}>
            <Typography.Title level={2} style={{ margin: 0 }}>
              {t('cycles')} {c.cycleId}
            </Typography.Title>
            <Descriptions bordered size="small" column={{ xs: 1, md: 3 }}>
              <Descriptions.Item label={t('jurisdiction')}>
                {term(c.jurisdiction)}
              </Descriptions.Item>
              <Descriptions.Item label={t('status')}>{c.status}</Descriptions.Item>
              <Descriptions.Item label={t('publicityEndsOn')}>
                {c.publicityEndsOn}
              </Descriptions.Item>
            </Descriptions>
            <Card title={t('proposals')}>
              <Table
                size="small"
                rowKey="uscc"
                pagination={false}
                dataSource={c.proposals}
                columns={[
                  {
                    title: t('uscc'),
                    dataIndex: 'uscc',
                    render: (u: string) => <Link to={`/work/agencies/${u}`}>{u}</Link>,
                  },
                  {
                    title: t('grade'),
                    dataIndex: 'grade',
                    render: (g: string) => <GradeTag grade={g} />,
                  },
                  { title: t('score'), dataIndex: 'score' },
                ]}
              />
            </Card>
            <Card title={t('objections')}>
              <Table
                size="small"
                rowKey="objectionId"
                pagination={false}
                dataSource={c.objections}
                columns={[
                  { title: t('uscc'), dataIndex: 'uscc' },
                  { title: t('filedOn'), dataIndex: 'filedOn' },
                  {
                    title: t('dueOn'),
                    dataIndex: 'reviewDueOn',
                    render: (d: string | null, o) =>
                      o.status === 'pending' ? <DueTag due={d} /> : d,
                  },
                  {
                    title: t('status'),
                    dataIndex: 'status',
                    render: (s: string) => (s === 'pending' ? s : t(s as 'upheld' | 'rejected')),
                  },
                  {
                    title: t('decide'),
                    render: (_: unknown, o) =>
                      o.status === 'pending' &&
                      me &&
                      ['regulator', 'reviewer'].includes(me.role) ? (
                        <DecideObjection objectionId={o.objectionId} onDone={cycle.reload} />
                      ) : null,
                  },
                ]}
              />
            </Card>
            {me?.role === 'regulator' && (
              <Card title={t('publish')}>
                {publish.alert}
                {!mayPublish && c.status === 'publicity' && (
                  <Alert
                    type="info"
                    showIcon
                    message={t('publishDisabled')}
                    style={{ marginBottom: 16 }}
                  />
                )}
                <Form
                  form={form}
                  name={`cyclePage`}
                  layout="inline"
                  onFinish={(v: Parameters<typeof publish.submit>[0]) => void publish.submit(v)}
                >
                  <OccurredAt />
                  <Tooltip title={mayPublish ? '' : t('publishDisabled')}>
                    <Button
                      type="primary"
                      htmlType="submit"
                      disabled={!mayPublish}
                      loading={publish.busy}
                    >
                      {t('publish')}
                    </Button>
                  </Tooltip>
                </Form>
              </Card>
            )}
          </Space>
        );
      }}
    </Loading>
  );
}

function DecideObjection({ objectionId, onDone }: { objectionId: string; onDone(): void }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const { submit, busy, alert } = useCommand(form, async (v: Record<string, unknown>) => {
    const answer = await call<CommandAnswer>(
      api.POST('/api/v1/objections/{objectionId}/decision', {
        params: { path: { objectionId } },
        body: toBody<components['schemas']['DecideObjectionDto']>(v),
      }),
    );
    onDone();
    return answer;
  });
  return (
    <Form
      form={form}
      name={`decideObjection-${objectionId}`}
      layout="inline"
      onFinish={(v: Parameters<typeof submit>[0]) => void submit(v)}
    >
      {alert}
      <Form.Item name="outcome" rules={[{ required: true }]}>
        <Radio.Group
          options={[
            { value: 'upheld', label: t('upheld') },
            { value: 'rejected', label: t('rejected') },
          ]}
        />
      </Form.Item>
      <Form.Item name="revisedScore">
        <InputNumber aria-label={t('score')} placeholder={t('score')} min={0} max={100} />
      </Form.Item>
      <Button htmlType="submit" loading={busy}>
        {t('submit')}
      </Button>
    </Form>
  );
}

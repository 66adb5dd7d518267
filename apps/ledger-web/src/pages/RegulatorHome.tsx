import { Button, Card, Col, Form, InputNumber, Row, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, call } from '../api/client';
import type { CommandAnswer, CreditRecordAnswer, Cycle, Page, RegistryEntry } from '../api/types';
import { download, Loading, SubmitButton, useCommand, useLoad } from '../components/common';
import { DueTag } from '../components/DueTag';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { shanghaiToday } from '../workdays';

type Jurisdiction = 'beijing' | 'chongqing' | 'jiaxing' | 'urumqi';

interface Queues {
  filings: RegistryEntry[];
  changes: RegistryEntry[];
  objections: (Cycle['objections'][number] & { cycleId: string })[];
  repairs: { uscc: string; name?: string; repairId: string; requestedOn: string; reason: string }[];
  cycles: Cycle[];
}

async function loadQueues(jurisdiction: Jurisdiction): Promise<Queues> {
  const list = (status: 'pending-review' | 'registered') =>
    call<Page<RegistryEntry>>(
      api.GET('/api/v1/agencies', { params: { query: { jurisdiction, status, pageSize: 200 } } }),
    );
  const year = Number(shanghaiToday().slice(0, 4));
  const [pending, registered, ...cycles] = await Promise.all([
    list('pending-review'),
    list('registered'),
    ...[year - 1, year].map((y) =>
      call<Cycle>(
        api.GET('/api/v1/grading-cycles/{cycleId}', {
          params: { path: { cycleId: `${jurisdiction}-${y}` } },
        }),
      ).catch(() => undefined),
    ),
  ]);
  // Repairs are asked for on the records: only agencies with a penalty or a finding have any.
  const withRecords = registered.items.filter(
    (a) => (a.penalties ?? 0) + (a.creditFindings ?? 0) > 0,
  );
  const records = await Promise.all(
    withRecords.map((a) =>
      call<CreditRecordAnswer>(
        api.GET('/api/v1/agencies/{uscc}/credit-record', { params: { path: { uscc: a.uscc } } }),
      ).then((r) => ({ entry: a, record: r })),
    ),
  );
  const found = cycles.filter((c): c is Cycle => c !== undefined);
  return {
    filings: pending.items.filter((a) => !a.returned),
    changes: registered.items.filter((a) => a.pendingChange),
    objections: found.flatMap((c) =>
      c.objections.filter((o) => o.status === 'pending').map((o) => ({ ...o, cycleId: c.cycleId })),
    ),
    repairs: records.flatMap(({ entry, record }) =>
      record.records.flatMap((r) =>
        (r.repairs ?? [])
          .filter((x) => x.status === 'pending')
          .map((x) => ({
            uscc: entry.uscc,
            name: entry.name,
            repairId: x.repairId,
            requestedOn: x.requestedOn,
            reason: x.reason,
          })),
      ),
    ),
    cycles: found,
  };
}

/** The regulator's home: work queues with their due dates in working days, cycles, exports. */
export function RegulatorHome() {
  const { t } = useI18n();
  const { me } = useSession();
  const navigate = useNavigate();
  const [chosen, setChosen] = useState<Jurisdiction>('beijing');
  const jurisdiction = (me?.jurisdiction as Jurisdiction | undefined) ?? chosen;
  const queues = useLoad(() => loadQueues(jurisdiction), [jurisdiction]);
  const agencyLink = (a: { uscc: string; name?: string }) => (
    <Link to={`/work/agencies/${a.uscc}`}>{a.name ?? a.uscc}</Link>
  );

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('queues')}
        </Typography.Title>
        {!me?.jurisdiction && (
          <Select
            aria-label={t('jurisdiction')}
            value={chosen}
            onChange={setChosen}
            style={{ width: 140 }}
            options={(['beijing', 'chongqing', 'jiaxing', 'urumqi'] as const).map((j) => ({
              value: j,
              label: j,
            }))}
          />
        )}
        <OpenAgency onOpen={(uscc) => void navigate(`/work/agencies/${uscc}`)} />
      </Space>
      <Loading state={queues}>
        {() => {
          const q = queues.data!;
          return (
            <Row gutter={[16, 16]}>
              <Col xs={24} lg={12}>
                <Card
                  title={`${t('queueFilings')}（${q.filings.length}）`}
                  data-testid="queue-filings"
                >
                  <Table
                    size="small"
                    rowKey="uscc"
                    pagination={false}
                    dataSource={q.filings}
                    columns={[
                      { title: t('name'), render: (_: unknown, a: RegistryEntry) => agencyLink(a) },
                      { title: t('filedOn'), dataIndex: 'registeredOn' },
                      {
                        title: t('dueOn'),
                        dataIndex: 'reviewDueOn',
                        render: (d: string | null) => <DueTag due={d} />,
                      },
                    ]}
                  />
                </Card>
              </Col>
              <Col xs={24} lg={12}>
                <Card title={`${t('queueChanges')}（${q.changes.length}）`}>
                  <Table
                    size="small"
                    rowKey="uscc"
                    pagination={false}
                    dataSource={q.changes}
                    columns={[
                      { title: t('name'), render: (_: unknown, a: RegistryEntry) => agencyLink(a) },
                      {
                        title: t('filedOn'),
                        render: (_: unknown, a: RegistryEntry) => a.pendingChange?.filedOn,
                      },
                      {
                        title: t('dueOn'),
                        render: (_: unknown, a: RegistryEntry) => (
                          <DueTag due={a.pendingChange?.reviewDueOn} />
                        ),
                      },
                    ]}
                  />
                </Card>
              </Col>
              <Col xs={24} lg={12}>
                <Card title={`${t('queueObjections')}（${q.objections.length}）`}>
                  <Table
                    size="small"
                    rowKey="objectionId"
                    pagination={false}
                    dataSource={q.objections}
                    columns={[
                      {
                        title: t('uscc'),
                        render: (_: unknown, o: Queues['objections'][number]) => (
                          <Link to={`/work/cycles/${o.cycleId}`}>{o.uscc}</Link>
                        ),
                      },
                      { title: t('filedOn'), dataIndex: 'filedOn' },
                      {
                        title: t('dueOn'),
                        dataIndex: 'reviewDueOn',
                        render: (d: string | null) => <DueTag due={d} />,
                      },
                    ]}
                  />
                </Card>
              </Col>
              <Col xs={24} lg={12}>
                <Card title={`${t('queueRepairs')}（${q.repairs.length}）`}>
                  <Table
                    size="small"
                    rowKey="repairId"
                    pagination={false}
                    dataSource={q.repairs}
                    columns={[
                      {
                        title: t('name'),
                        render: (_: unknown, r: Queues['repairs'][number]) => (
                          <Link to={`/work/agencies/${r.uscc}?tab=repairs`}>
                            {r.name ?? r.uscc}
                          </Link>
                        ),
                      },
                      { title: t('filedOn'), dataIndex: 'requestedOn' },
                      { title: t('reason'), dataIndex: 'reason' },
                    ]}
                  />
                </Card>
              </Col>
              <Col xs={24} lg={12}>
                <Card title={t('cycles')}>
                  <Space direction="vertical">
                    {q.cycles.map((c) => (
                      <Link key={c.cycleId} to={`/work/cycles/${c.cycleId}`}>
                        {c.cycleId} · {c.status} · {t('publicityEndsOn')} {c.publicityEndsOn}
                      </Link>
                    ))}
                    <StartCycle
                      jurisdiction={jurisdiction}
                      onStarted={(id) => void navigate(`/work/cycles/${id}`)}
                    />
                  </Space>
                </Card>
              </Col>
              <Col xs={24} lg={12}>
                <Card title={t('exports')}>
                  <Space wrap>
                    <Button
                      onClick={() =>
                        void download('/api/v1/exports/penalties?format=csv', 'penalties.csv')
                      }
                    >
                      {t('exportPenalties')} CSV
                    </Button>
                    <Button
                      onClick={() =>
                        void download('/api/v1/exports/penalties?format=xlsx', 'penalties.xlsx')
                      }
                    >
                      {t('exportPenalties')} XLSX
                    </Button>
                    <Button
                      onClick={() =>
                        void download(
                          `/api/v1/exports/grades?jurisdiction=${jurisdiction}&format=csv`,
                          'grades.csv',
                        )
                      }
                    >
                      {t('exportGrades')} CSV
                    </Button>
                  </Space>
                </Card>
              </Col>
            </Row>
          );
        }}
      </Loading>
    </Space>
  );
}

function OpenAgency({ onOpen }: { onOpen(uscc: string): void }) {
  const { t } = useI18n();
  return (
    <Form layout="inline" onFinish={(v: { uscc: string }) => onOpen(v.uscc.trim().toUpperCase())}>
      <Form.Item name="uscc" rules={[{ required: true, len: 18 }]}>
        <input className="ant-input" aria-label={t('uscc')} placeholder={t('uscc')} />
      </Form.Item>
      <Button htmlType="submit">{t('openAgency')}</Button>
    </Form>
  );
}

function StartCycle({
  jurisdiction,
  onStarted,
}: {
  jurisdiction: Jurisdiction;
  onStarted(id: string): void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ year: number }>();
  const { submit, busy, alert } = useCommand(form, async (v: { year: number }) => {
    const answer = await call<CommandAnswer>(
      api.POST('/api/v1/grading-cycles', { body: { jurisdiction, year: v.year } }),
    );
    onStarted(answer.cycleId ?? `${jurisdiction}-${v.year}`);
    return answer;
  });
  return (
    <Form
      form={form}
      name={`startCycle`}
      layout="inline"
      onFinish={(v: Parameters<typeof submit>[0]) => void submit(v)}
    >
      {alert}
      <Form.Item name="year" label={t('year')} rules={[{ required: true }]}>
        <InputNumber min={2020} max={2100} />
      </Form.Item>
      <SubmitButton busy={busy} />
    </Form>
  );
}

import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Input,
  Row,
  Slider,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, ApiError, call } from '../api/client';
import type {
  GradeHistory,
  GradePeriod,
  LedgerEvent,
  RegistryEntry,
  ReplayAnswer,
} from '../api/types';
import { GradeTag, Loading, useLoad } from '../components/common';
import { GradeChart } from '../components/GradeChart';
import { useI18n } from '../i18n';

/** Reviewers and auditors: open an agency by its code. */
export function AuditHome() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <Card title={t('navAudit')}>
      <Form
        layout="inline"
        onFinish={(v: { uscc: string }) => void navigate(`/audit/${v.uscc.trim().toUpperCase()}`)}
      >
        <Form.Item name="uscc" label={t('uscc')} rules={[{ required: true, len: 18 }]}>
          <Input style={{ width: 260 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('openAgency')}
        </Button>
      </Form>
    </Card>
  );
}

const shanghaiTime = (iso: string) => dayjs(iso).format('YYYY-MM-DD HH:mm:ss');
const today = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
/**
 * A knownAt that includes the event recorded at `recordedAt`: the API takes milliseconds, the
 * ledger records microseconds, so the instant is rounded up to the next millisecond.
 */
export function knownAtOf(recordedAt: string): string {
  const micros = /\.\d{3}(\d+)/.exec(recordedAt)?.[1] ?? '';
  const date = new Date(recordedAt);
  if (/[1-9]/.test(micros)) date.setTime(date.getTime() + 1);
  return date.toISOString();
}

const periodKey = (p: GradePeriod) => `${p.grade}|${p.from}|${p.to ?? ''}`;

/** An agency for an appeal or an audit: the bitemporal view, its timeline, a replay. */
export function AuditAgencyPage() {
  const { uscc = '' } = useParams();
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'bitemporal';
  const events = useLoad(
    () =>
      call<LedgerEvent[]>(
        api.GET('/api/v1/agencies/{uscc}/events', {
          params: { path: { uscc }, query: { limit: 1000 } },
        }),
      ).catch((error: unknown) => {
        // Who may not read the raw stream still has the bitemporal view and the replay.
        if (error instanceof ApiError && error.status === 403) return [] as LedgerEvent[];
        throw error;
      }),
    [uscc],
  );
  const entry = useLoad(
    () => call<RegistryEntry>(api.GET('/api/v1/agencies/{uscc}', { params: { path: { uscc } } })),
    [uscc],
  );
  const showEvent = (eventId: string) => {
    setParams({ tab: 'timeline', event: eventId });
    setTimeout(
      () => document.getElementById(`event-${eventId}`)?.scrollIntoView({ block: 'center' }),
      50,
    );
  };
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        <Link to={`/agencies/${uscc}`}>{entry.data?.name ?? uscc}</Link>
      </Typography.Title>
      <Typography.Text type="secondary">{uscc}</Typography.Text>
      <Loading state={events}>
        {() => (
          <Tabs
            activeKey={tab}
            onChange={(key) => setParams({ tab: key })}
            items={[
              {
                key: 'bitemporal',
                label: t('bitemporal'),
                children: <Bitemporal uscc={uscc} events={events.data!} onEvent={showEvent} />,
              },
              {
                key: 'timeline',
                label: t('timeline'),
                children: <Timeline events={events.data!} highlight={params.get('event')} />,
              },
              {
                key: 'replay',
                label: t('replay'),
                children: <Replay uscc={uscc} onEvent={showEvent} />,
              },
            ]}
          />
        )}
      </Loading>
    </Space>
  );
}

/**
 * The grade history as known at a chosen instant beside the history as known now; the periods
 * that differ are marked. The slider steps through the instants the ledger recorded this
 * agency's facts (system time), and any other instant can be picked.
 */
function Bitemporal({
  uscc,
  events,
  onEvent,
}: {
  uscc: string;
  events: LedgerEvent[];
  onEvent(id: string): void;
}) {
  const { t, term, article } = useI18n();
  const instants = useMemo(() => [...new Set(events.map((e) => e.recordedAt))].sort(), [events]);
  const [knownAt, setKnownAt] = useState<string | undefined>(instants.at(-2) ?? instants.at(-1));
  const load = (at?: string) =>
    call<GradeHistory>(
      api.GET('/api/v1/agencies/{uscc}/grade-history', {
        params: { path: { uscc }, query: at ? { knownAt: knownAtOf(at) } : {} },
      }),
    );
  const now = useLoad(() => load(), [uscc]);
  const then = useLoad(() => load(knownAt), [uscc, knownAt]);
  const index = knownAt ? instants.indexOf(knownAt) : -1;
  const eventAt = (at: string) => events.find((e) => e.recordedAt === at);

  const table = (history: GradeHistory, other: GradeHistory | undefined, testId: string) => {
    const otherKeys = new Set(other?.periods.map(periodKey));
    return (
      <Table<GradePeriod>
        data-testid={testId}
        size="small"
        pagination={false}
        rowKey={periodKey}
        dataSource={history.periods}
        rowClassName={(p) => (other && !otherKeys.has(periodKey(p)) ? 'differs' : '')}
        columns={[
          { title: t('grade'), dataIndex: 'grade', render: (g: string) => <GradeTag grade={g} /> },
          { title: t('from'), dataIndex: 'from' },
          { title: t('to'), dataIndex: 'to', render: (to: string | null) => to ?? t('inForce') },
          {
            title: t('cause'),
            render: (_: unknown, p) => (
              <Space direction="vertical" size={0}>
                <span>{term(p.cause)}</span>
                {(p.explanation ?? []).map((e) => (
                  <span key={e.rule}>{article(e.article)}</span>
                ))}
              </Space>
            ),
          },
          {
            title: t('fact'),
            render: (_: unknown, p) =>
              p.decidedBy ? (
                <Button type="link" size="small" onClick={() => onEvent(p.decidedBy!.eventId)}>
                  #{p.decidedBy.position}
                </Button>
              ) : null,
          },
          {
            title: '',
            render: (_: unknown, p) =>
              other && !otherKeys.has(periodKey(p)) ? (
                <Tag color="red">{t('changedPast')}</Tag>
              ) : null,
          },
        ]}
      />
    );
  };

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Card title={t('knownAt')}>
        {instants.length > 1 && (
          <Slider
            ariaLabelForHandle={t('knownAt')}
            min={0}
            max={instants.length - 1}
            value={Math.max(0, index)}
            onChange={(i: number) => setKnownAt(instants[i])}
            tooltip={{ formatter: (i) => (i === undefined ? '' : shanghaiTime(instants[i])) }}
            marks={Object.fromEntries(
              instants.map((at, i) => [
                i,
                i === 0 || i === instants.length - 1 ? shanghaiTime(at).slice(0, 10) : ' ',
              ]),
            )}
          />
        )}
        <Space wrap>
          <DatePicker
            showTime
            aria-label={t('knownAt')}
            value={knownAt ? dayjs(knownAt) : null}
            onChange={(d: Dayjs | null) => setKnownAt(d ? d.toISOString() : undefined)}
          />
          <span data-testid="known-at">
            {knownAt ? t('asKnownAt', { t: shanghaiTime(knownAt) }) : ''}
          </span>
          {knownAt && eventAt(knownAt) && (
            <Button type="link" onClick={() => onEvent(eventAt(knownAt)!.eventId)}>
              {eventAt(knownAt)!.type} (v{eventAt(knownAt)!.version})
            </Button>
          )}
        </Space>
      </Card>
      <Row gutter={16}>
        <Col xs={24} lg={12}>
          <Card title={knownAt ? t('asKnownAt', { t: shanghaiTime(knownAt) }) : t('knownAt')}>
            <Loading state={then}>
              {() => (
                <>
                  <GradeChart
                    periods={then.data!.periods}
                    today={today()}
                    label={t('asKnownAt', { t: knownAt ?? '' })}
                  />
                  {table(then.data!, now.data, 'history-then')}
                </>
              )}
            </Loading>
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('asKnownNow')}>
            <Loading state={now}>
              {() => (
                <>
                  <GradeChart periods={now.data!.periods} today={today()} label={t('asKnownNow')} />
                  {table(now.data!, then.data, 'history-now')}
                </>
              )}
            </Loading>
          </Card>
        </Col>
      </Row>
    </Space>
  );
}

/** Every event with both of its times, its actor, and whether it links to the one before. */
function Timeline({ events, highlight }: { events: LedgerEvent[]; highlight: string | null }) {
  const { t } = useI18n();
  if (events.length === 0) return <Alert type="info" showIcon message={t('signInToWork')} />;
  return (
    <Table<LedgerEvent>
      size="small"
      rowKey="eventId"
      pagination={false}
      dataSource={events}
      onRow={(e) => ({ id: `event-${e.eventId}` })}
      rowClassName={(e) => (e.eventId === highlight ? 'differs' : '')}
      columns={[
        { title: 'v', dataIndex: 'version', width: 50 },
        { title: t('eventType'), dataIndex: 'type' },
        { title: t('validTime'), dataIndex: 'occurredAt', render: shanghaiTime },
        { title: t('systemTime'), dataIndex: 'recordedAt', render: shanghaiTime },
        {
          title: t('actor'),
          dataIndex: 'actor',
          render: (a: LedgerEvent['actor']) =>
            typeof a === 'string' ? a : a ? `${a.role ?? ''} ${a.sub ?? ''}` : '—',
        },
        {
          title: t('chain'),
          render: (_: unknown, e, i) => {
            const linked = i === 0 ? true : e.prevHash === events[i - 1].hash;
            return (
              <Tag color={linked ? 'green' : 'red'} title={e.hash}>
                {linked ? t('chainLinked') : t('chainBroken')} {e.hash.slice(0, 8)}
              </Tag>
            );
          },
        },
      ]}
    />
  );
}

/** Recompute the grade from the raw facts and compare it with the ledger's; each fact links to its event. */
function Replay({ uscc, onEvent }: { uscc: string; onEvent(id: string): void }) {
  const { t, article } = useI18n();
  const [answer, setAnswer] = useState<ReplayAnswer>();
  const [failure, setFailure] = useState<string>();
  const run = async (v: { asOf?: Dayjs; knownAt?: Dayjs }) => {
    setFailure(undefined);
    try {
      setAnswer(
        await call<ReplayAnswer>(
          api.POST('/api/v1/agencies/{uscc}/replay', {
            params: { path: { uscc } },
            body: {
              ...(v.asOf && { asOf: v.asOf.format('YYYY-MM-DD') }),
              ...(v.knownAt && { knownAt: v.knownAt.toISOString() }),
            },
          }),
        ),
      );
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Form layout="inline" onFinish={(v: { asOf?: Dayjs; knownAt?: Dayjs }) => void run(v)}>
        <Form.Item name="asOf" label={t('asOf')}>
          <DatePicker />
        </Form.Item>
        <Form.Item name="knownAt" label={t('knownAt')}>
          <DatePicker showTime />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('replay')}
        </Button>
      </Form>
      {failure && <Alert type="error" showIcon message={failure} />}
      {answer && (
        <>
          <Alert
            data-testid="replay-result"
            type={answer.match ? 'success' : 'error'}
            showIcon
            message={answer.match ? t('match') : t('mismatch')}
          />
          <Row gutter={16}>
            {(['recomputed', 'recorded'] as const).map((side) => (
              <Col xs={24} md={12} key={side}>
                <Card title={t(side)} size="small">
                  <GradeTag grade={answer[side].grade} /> {answer[side].effectiveFrom ?? ''}
                  <ul>
                    {answer[side].explanation.map((e) => (
                      <li key={e.rule}>
                        {e.rule} — {article(e.article)}{' '}
                        {e.facts.map((f) => (
                          <Button key={f} type="link" size="small" onClick={() => onEvent(f)}>
                            {t('fact')} {f.slice(0, 8)}
                          </Button>
                        ))}
                      </li>
                    ))}
                  </ul>
                </Card>
              </Col>
            ))}
          </Row>
        </>
      )}
    </Space>
  );
}

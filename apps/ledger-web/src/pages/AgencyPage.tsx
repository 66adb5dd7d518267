import { Alert, Button, Card, Descriptions, Space, Table, Typography } from 'antd';
import { useParams } from 'react-router-dom';
import { api, call } from '../api/client';
import type { CreditRecordAnswer, GradeAnswer, GradeHistory, RegistryEntry } from '../api/types';
import { GradeTag, Loading, useLoad } from '../components/common';
import { GradeChart } from '../components/GradeChart';
import { useI18n } from '../i18n';

const today = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });

/** An agency's public page: what its registration publishes, its grade and why, its record. */
export function AgencyPage() {
  const { uscc = '' } = useParams();
  const { t, term, article } = useI18n();
  const state = useLoad(async () => {
    const path = { path: { uscc } };
    const entry = await call<RegistryEntry>(api.GET('/api/v1/agencies/{uscc}', { params: path }));
    if (entry.status === 'deregistered' && entry.name === undefined) return { entry };
    const [grade, history, record] = await Promise.all([
      call<GradeAnswer>(api.GET('/api/v1/agencies/{uscc}/grade', { params: path })),
      call<GradeHistory>(api.GET('/api/v1/agencies/{uscc}/grade-history', { params: path })),
      call<CreditRecordAnswer>(api.GET('/api/v1/agencies/{uscc}/credit-record', { params: path })),
    ]);
    return { entry, grade, history, record };
  }, [uscc]);

  return (
    <Loading state={state}>
      {() => {
        const { entry, grade, history, record } = state.data!;
        if (!grade || !history || !record)
          return <Alert type="info" showIcon message={t('deregistered')} />;
        return (
          <Space direction="vertical" size="large" style={{ width: '100%' }}>
            <Space style={{ justifyContent: 'space-between', width: '100%' }}>
              <Typography.Title level={2} style={{ margin: 0 }}>
                {entry.name}
              </Typography.Title>
              <Button onClick={() => window.print()}>{t('print')}</Button>
            </Space>
            <Card title={t('registration')}>
              <Descriptions column={{ xs: 1, md: 2 }} bordered size="small">
                <Descriptions.Item label={t('uscc')}>{entry.uscc}</Descriptions.Item>
                <Descriptions.Item label={t('status')}>{term(entry.status)}</Descriptions.Item>
                <Descriptions.Item label={t('jurisdiction')}>
                  {term(entry.jurisdiction)}
                </Descriptions.Item>
                <Descriptions.Item label={t('category')}>{term(entry.category)}</Descriptions.Item>
                <Descriptions.Item label={t('legalRepresentative')}>
                  {entry.legalRepresentative ?? '—'}
                </Descriptions.Item>
                <Descriptions.Item label={t('registeredOn')}>
                  {entry.registeredOn ?? '—'}
                </Descriptions.Item>
                <Descriptions.Item label={t('approvedOn')}>
                  {entry.approvedOn ?? '—'}
                </Descriptions.Item>
                <Descriptions.Item label={t('serviceTypes')}>
                  {(entry.serviceTypes ?? []).map(term).join('、') || '—'}
                </Descriptions.Item>
                <Descriptions.Item label={t('scope')}>
                  {(entry.scope ?? []).join('、') || '—'}
                </Descriptions.Item>
                <Descriptions.Item label={t('cma')}>
                  {entry.cmaCertificate?.number
                    ? `${entry.cmaCertificate.number}（${entry.cmaCertificate.validUntil ?? ''}）`
                    : '—'}
                </Descriptions.Item>
              </Descriptions>
            </Card>
            <Card title={t('gradeInForce')}>
              <Descriptions column={{ xs: 1, md: 3 }} size="small">
                <Descriptions.Item label={t('grade')}>
                  <span data-testid="grade-in-force">
                    <GradeTag grade={grade.grade} />
                  </span>
                </Descriptions.Item>
                <Descriptions.Item label={t('effectiveFrom')}>
                  {grade.effectiveFrom ?? '—'}
                </Descriptions.Item>
                <Descriptions.Item label={t('policy')}>
                  {grade.policy
                    ? `${term(grade.policy.jurisdiction)} ${grade.policy.version}`
                    : '—'}
                </Descriptions.Item>
              </Descriptions>
              {grade.explanation.length > 0 && (
                <Table
                  size="small"
                  rowKey={(e) => `${e.rule}-${e.article}`}
                  pagination={false}
                  dataSource={grade.explanation}
                  columns={[
                    { title: t('decidedByRule'), dataIndex: 'rule' },
                    {
                      title: t('article'),
                      dataIndex: 'article',
                      render: (a: string) => article(a),
                    },
                  ]}
                />
              )}
            </Card>
            <Card title={t('gradeHistory')}>
              <GradeChart periods={history.periods} today={today()} label={t('gradeHistory')} />
              <Table
                size="small"
                rowKey={(p) => `${p.from}-${p.grade}`}
                pagination={false}
                dataSource={history.periods}
                columns={[
                  {
                    title: t('grade'),
                    dataIndex: 'grade',
                    render: (g: string) => <GradeTag grade={g} />,
                  },
                  { title: t('from'), dataIndex: 'from' },
                  {
                    title: t('to'),
                    dataIndex: 'to',
                    render: (to: string | null) => to ?? t('inForce'),
                  },
                  { title: t('cause'), dataIndex: 'cause', render: (c: string) => term(c) },
                ]}
              />
            </Card>
            <Card title={t('creditRecord')}>
              <Table
                size="small"
                rowKey="recordEventId"
                pagination={false}
                locale={{ emptyText: t('noRecords') }}
                dataSource={record.records.filter((r) => r.displayed !== false)}
                columns={[
                  { title: t('kind'), dataIndex: 'kind', render: (k: string) => term(k) },
                  { title: t('occurredOn'), dataIndex: 'occurredOn' },
                  {
                    title: t('summary'),
                    dataIndex: 'summary',
                    render: (s: Record<string, unknown>) =>
                      [
                        s.decisionNumber,
                        term(s.violationType as string | undefined),
                        s.content ?? s.description,
                      ]
                        .filter((x) => x && x !== '—')
                        .join(' · '),
                  },
                  { title: t('displayUntil'), dataIndex: 'displayUntil' },
                ]}
              />
            </Card>
          </Space>
        );
      }}
    </Loading>
  );
}

import { Button, Card, Form, Input, Select, Space, Table, Typography } from 'antd';
import { Link, useSearchParams } from 'react-router-dom';
import { api, call } from '../api/client';
import type { Page, RegistryEntry } from '../api/types';
import { GradeTag, Loading, useLoad } from '../components/common';
import { useI18n } from '../i18n';

const JURISDICTIONS = ['beijing', 'chongqing', 'jiaxing', 'urumqi'] as const;
const CATEGORIES = ['comprehensive', 'radiation', 'automatic-om', 'other'] as const;
const GRADES = ['A', 'B', 'C', 'D', 'E', 'ungraded', 'no-business', 'not-graded'] as const;

type Jurisdiction = (typeof JURISDICTIONS)[number];
type GradeFilter = (typeof GRADES)[number];

/** 备案信息查询: public, no sign-in; the query lives in the address, so a search can be shared. */
export function SearchPage() {
  const { t, term } = useI18n();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const jurisdiction = (params.get('jurisdiction') ?? undefined) as Jurisdiction | undefined;
  const grade = (params.get('grade') ?? undefined) as GradeFilter | undefined;
  const category = params.get('category') ?? undefined;
  const page = Number(params.get('page') ?? 1);
  const pageSize = 20;

  const state = useLoad(
    () =>
      call<Page<RegistryEntry>>(
        api.GET('/api/v1/agencies', {
          params: {
            query: {
              ...(q && { q }),
              ...(jurisdiction && { jurisdiction }),
              ...(grade && { grade }),
              // The API has no category filter: a page of results is filtered here.
              page: category ? 1 : page,
              pageSize: category ? 100 : pageSize,
            },
          },
        }),
      ),
    [q, jurisdiction, grade, category, page],
  );

  const set = (next: Record<string, string | undefined>) => {
    const merged = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) {
      if (v) merged.set(k, v);
      else merged.delete(k);
    }
    setParams(merged);
  };

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2}>{t('searchTitle')}</Typography.Title>
      <Card className="no-print">
        <Form
          layout="inline"
          initialValues={{ q, jurisdiction, grade, category }}
          onFinish={(v: { q?: string; jurisdiction?: string; grade?: string; category?: string }) =>
            set({
              q: v.q?.trim(),
              jurisdiction: v.jurisdiction,
              grade: v.grade,
              category: v.category,
              page: undefined,
            })
          }
        >
          <Form.Item name="q" label={t('searchHint')}>
            <Input allowClear style={{ width: 280 }} />
          </Form.Item>
          <Form.Item name="jurisdiction" label={t('jurisdiction')}>
            <Select
              allowClear
              placeholder={t('all')}
              style={{ width: 140 }}
              options={JURISDICTIONS.map((j) => ({ value: j, label: term(j) }))}
            />
          </Form.Item>
          <Form.Item name="category" label={t('category')}>
            <Select
              allowClear
              placeholder={t('all')}
              style={{ width: 160 }}
              options={CATEGORIES.map((c) => ({ value: c, label: term(c) }))}
            />
          </Form.Item>
          <Form.Item name="grade" label={t('grade')}>
            <Select
              allowClear
              placeholder={t('all')}
              style={{ width: 120 }}
              options={GRADES.map((g) => ({ value: g, label: g.length === 1 ? g : term(g) }))}
            />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit">
              {t('search')}
            </Button>
          </Form.Item>
        </Form>
      </Card>
      <Loading state={state}>
        {() => {
          const answer = state.data!;
          const items = category
            ? answer.items.filter((a) => a.category === category)
            : answer.items;
          return (
            <Table<RegistryEntry>
              rowKey="uscc"
              dataSource={items}
              locale={{ emptyText: t('noResults') }}
              pagination={{
                current: category ? 1 : answer.page,
                pageSize,
                total: category ? items.length : answer.total,
                showTotal: (n) => t('total', { n }),
                onChange: (p) => set({ page: String(p) }),
                showSizeChanger: false,
              }}
              columns={[
                {
                  title: t('name'),
                  dataIndex: 'name',
                  render: (name: string, row) => <Link to={`/agencies/${row.uscc}`}>{name}</Link>,
                },
                { title: t('uscc'), dataIndex: 'uscc' },
                {
                  title: t('jurisdiction'),
                  dataIndex: 'jurisdiction',
                  render: (j: string) => term(j),
                },
                { title: t('category'), dataIndex: 'category', render: (c: string) => term(c) },
                {
                  title: t('grade'),
                  dataIndex: 'grade',
                  render: (g: string) => <GradeTag grade={g} />,
                },
                { title: t('status'), dataIndex: 'status', render: (s: string) => term(s) },
              ]}
            />
          );
        }}
      </Loading>
    </Space>
  );
}

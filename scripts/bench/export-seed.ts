import type { Pool } from 'pg';

/**
 * Seeds the export's read model directly (fast, no events): `agencies` registry entries and
 * `penalties` rows of the export-feed projection's `export_feed_records`, public and displayed
 * from 2026 to mid-2027, with the projection's checkpoint at the last one. Every `withdrawnEvery`
 * th penalty is repaired (withdrawn on 2026-12-01, known at the last position); every
 * `formulaEvery`th agency is named like a formula, to see it kept inert. For benchmarks and
 * tests of the streaming, not for a ledger in use.
 */
export async function seedPenaltyFeed(
  pool: Pool,
  options: { penalties: number; agencies: number; withdrawnEvery?: number; formulaEvery?: number },
): Promise<{ lastPosition: number }> {
  const { penalties, agencies, withdrawnEvery = 0, formulaEvery = 0 } = options;
  await pool.query(
    `INSERT INTO registry_entries (key, uscc, doc, last_position, name, jurisdiction, status, updated_at)
     SELECT 'B' || lpad(g::text, 17, '0'), 'B' || lpad(g::text, 17, '0'),
            jsonb_build_object('legalRepresentativeNames', jsonb_build_object('approved', '王明')),
            1,
            CASE WHEN $2 > 0 AND g % $2 = 0 THEN '=HYPERLINK("http://x","北京监测' || g || '")'
                 ELSE '北京环境监测技术服务有限公司' || g END,
            'beijing', 'registered', now()
       FROM generate_series(1, $1::int) g`,
    [agencies, formulaEvery],
  );
  await pool.query(
    `INSERT INTO export_feed_records (key, feed, record_event_id, kind, jurisdiction, position,
            recorded_at, occurred_on, display_until, withdrawn_on, withdrawn_position,
            published_position, summary, party_name, legal_representative, party_position)
     SELECT 'B' || lpad((1 + g % $2)::text, 17, '0'), 'penalties',
            'e' || lpad(g::text, 11, '0'), 'penalty', 'beijing', g + 1,
            timestamptz '2026-06-01T00:00:00Z' + g * interval '1 second',
            date '2026-01-01' + (g % 300), date '2027-06-30',
            CASE WHEN $3 > 0 AND g % $3 = 0 THEN date '2026-12-01' END,
            CASE WHEN $3 > 0 AND g % $3 = 0 THEN $1::bigint + 2 END,
            1,
            jsonb_build_object(
              'decisionNumber', '京环罚〔2026〕' || g || '号',
              'decidedAt', (date '2026-01-01' + (g % 300))::text,
              'violationType', CASE WHEN g % 2 = 0 THEN 'untrue-report' ELSE 'other' END,
              'legalBasis', '《生态环境监测条例》第三十九条',
              'content', '罚款人民币五万元，责令改正',
              'facts', '出具的监测报告中样品编号与原始记录不符',
              'categories', jsonb_build_array('fine'),
              'fineYuan', 50000 + g % 1000,
              'authority', NULL),
            CASE WHEN $4 > 0 AND (1 + g % $2) % $4 = 0
                 THEN '=HYPERLINK("http://x","北京监测' || (1 + g % $2) || '")'
                 ELSE '北京环境监测技术服务有限公司' || (1 + g % $2) END,
            '王明', 1
       FROM generate_series(1, $1::int) g`,
    [penalties, agencies, withdrawnEvery, formulaEvery],
  );
  const lastPosition = penalties + 2;
  await pool.query(
    `INSERT INTO projection_checkpoints (name, position, updated_at) VALUES ('export-feed', $1, now())
     ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
    [lastPosition],
  );
  await pool.query('ANALYZE export_feed_records');
  return { lastPosition };
}

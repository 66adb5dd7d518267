import { Brackets, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';

/** `text` as a LIKE pattern matching it literally: `%`, `_` and the escape `\` escaped. */
const literally = (text: string) => text.replace(/[\\%_]/g, '\\$&');

/**
 * Narrows a query of `registry_entries` to the rows the public search's `q` finds: part of the
 * name in any case, or the start of the key or of the USCC (a corrected code finds its record
 * too, ADR 018).
 *
 * The indexes of ADR 037 serve it as it is written: the trigram index the ILIKE (a `q` of 3
 * characters or more; shorter ones are not indexed), the `text_pattern_ops` indexes the prefix
 * LIKEs. The pattern is a bound parameter: pg sends it in an unnamed statement, which PostgreSQL
 * plans for the values bound, so `'%' || :q || '%'` is a constant to the planner.
 */
export function matchingSearch<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  q: string,
): SelectQueryBuilder<T> {
  const r = qb.alias;
  const text = q.trim();
  return qb.andWhere(
    new Brackets((w) =>
      w
        .where(`${r}.name ILIKE '%' || :q || '%'`, { q: literally(text) })
        .orWhere(`${r}.key LIKE :prefix || '%'`, { prefix: literally(text.toUpperCase()) })
        .orWhere(`${r}.uscc LIKE :prefix || '%'`),
    ),
  );
}

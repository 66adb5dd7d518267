import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the public search (issue 14, ADR 037), so that it no longer reads the whole
 * registry table:
 * - `name ILIKE '%q%'`: a trigram GIN index (pg_trgm). pg_trgm is a trusted extension
 *   (PostgreSQL 13+): the database's owner, or any role with CREATE on the database, may create
 *   it. Where it cannot be created (no CREATE privilege, or the server lacks the contrib files)
 *   the migration goes on with a NOTICE and no trigram index: the search answers the same,
 *   without the index.
 *   Without `fastupdate`: a row's trigrams go into the index as it is written, not into a
 *   pending list every search would read in full (up to 4 MB) until a vacuum merges it; the
 *   registry's rows are rewritten by every event of their agency, so that list never stays short.
 * - `key LIKE 'q%'` and `uscc LIKE 'q%'`: `text_pattern_ops` btree indexes. A plain btree index
 *   serves a prefix LIKE only under the C (or POSIX) collation; the databases here are created
 *   with C.UTF-8, which PostgreSQL does not treat as C, and a deployment may use any other.
 *   `text_pattern_ops` compares byte-wise whatever the collation, so it serves LIKE in all.
 * - The listing sorted by name, key (no `q`, or a `q` most names match): `(name, key)` when no
 *   jurisdiction is asked, `(jurisdiction, name, key)` when one is (names begin with the city,
 *   so one jurisdiction's rows are not spread evenly through the `(name, key)` order).
 */
export class RegistrySearchIndexes1763880000000 implements MigrationInterface {
  name = 'RegistrySearchIndexes1763880000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // No CREATE on the database: insufficient_privilege. No control file: feature_not_supported
    // from PostgreSQL 15 on ("extension is not available"), undefined_file before it and when
    // the control file is there but not the library.
    await queryRunner.query(`
      DO $$
      BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
      EXCEPTION WHEN insufficient_privilege OR feature_not_supported OR undefined_file THEN
        RAISE NOTICE 'pg_trgm cannot be created here (%): the search by name is not indexed (ADR 037)', SQLERRM;
      END $$;
    `);
    // Where the extension lives (it may predate this migration, in a schema of its own).
    await queryRunner.query(`
      DO $$
      DECLARE
        trgm_schema text;
      BEGIN
        SELECT n.nspname INTO trgm_schema
          FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
          WHERE e.extname = 'pg_trgm';
        IF trgm_schema IS NOT NULL THEN
          EXECUTE format(
            'CREATE INDEX IF NOT EXISTS registry_entries_name_trgm ON registry_entries USING gin (name %I.gin_trgm_ops) WITH (fastupdate = off)',
            trgm_schema);
        END IF;
      END $$;
    `);
    await queryRunner.query(`
      CREATE INDEX registry_entries_key_pattern ON registry_entries (key text_pattern_ops);
      CREATE INDEX registry_entries_uscc_pattern ON registry_entries (uscc text_pattern_ops);
      CREATE INDEX registry_entries_name_key ON registry_entries (name, key);
      CREATE INDEX registry_entries_jurisdiction_name_key ON registry_entries (jurisdiction, name, key);
    `);
  }

  // The extension stays: other objects may use it, and dropping it needs its owner.
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP INDEX IF EXISTS registry_entries_name_trgm;
      DROP INDEX registry_entries_key_pattern;
      DROP INDEX registry_entries_uscc_pattern;
      DROP INDEX registry_entries_name_key;
      DROP INDEX registry_entries_jurisdiction_name_key;
    `);
  }
}

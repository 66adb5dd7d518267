import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderOpenApiDocument } from './openapi-document';
import { ARTICLE_SOURCES } from './http/openapi';

interface Operation {
  responses: Record<string, { content?: object; headers?: Record<string, unknown> }>;
  parameters?: unknown[];
  requestBody?: unknown;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { properties?: Record<string, { description?: string }> }>;
  };
}

const COMMITTED = resolve(__dirname, '..', '..', '..', 'docs', 'openapi.json');

/**
 * docs/openapi.json is the contract a client reads without running the ledger (issue 12
 * item 5): it must be what the app serves. Out of date? `npm run openapi`, and commit it.
 */
describe('the committed OpenAPI document (docs/openapi.json)', () => {
  let rendered: string;
  let doc: Document;

  beforeAll(async () => {
    rendered = await renderOpenApiDocument();
    doc = JSON.parse(rendered) as Document;
  }, 120_000);

  it('is the document the app serves: run `npm run openapi` and commit it when this fails', () => {
    expect(readFileSync(COMMITTED, 'utf8')).toBe(rendered);
  });

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );

  it('gives every operation its success answer with a schema (sign-out: 204, no body)', () => {
    const missing = operations()
      .filter(({ operation }) => {
        const success = Object.entries(operation.responses).filter(([code]) => code < '300');
        return success.length === 0 || success.some(([code, r]) => code !== '204' && !r.content);
      })
      .map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(missing).toEqual([]);
  });

  it('gives every operation with input its 400, and every command its 409 and 422 and the ETag', () => {
    const problems = operations().flatMap(({ path, method, operation }) => {
      const name = `${method.toUpperCase()} ${path}`;
      const codes = Object.keys(operation.responses);
      const found: string[] = [];
      if ((operation.parameters?.length || operation.requestBody) && !codes.includes('400'))
        found.push(`${name}: no 400`);
      const created = operation.responses['201'];
      // Accounts and signed checkpoints are not agency streams: no ETag of a stream's version.
      const streamCommand =
        created && !path.startsWith('/api/v1/users') && path !== '/api/v1/ledger/checkpoints';
      const ledgerCommand = created && !path.startsWith('/api/v1/users');
      if (ledgerCommand && !(codes.includes('409') && codes.includes('422')))
        found.push(`${name}: no 409 or 422`);
      if (streamCommand && !created.headers?.ETag) found.push(`${name}: no ETag`);
      return found;
    });
    expect(problems).toEqual([]);
  });

  it('names the regulation of every article prefix in the domain error', () => {
    const article = doc.components.schemas.DomainErrorDto.properties?.article.description ?? '';
    for (const source of Object.values(ARTICLE_SOURCES)) expect(article).toContain(source);
    expect(article).toContain('北京市生态环境监测技术服务机构备案管理办法');
  });
});

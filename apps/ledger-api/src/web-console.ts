import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/**
 * Where the built console (apps/ledger-web, `npm run build:web`) lies: LEDGER_WEB_DIR, else
 * apps/ledger-web/dist seen from the sources (ts-node, tests) or from dist/ (`npm start`).
 */
export function webConsoleDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.LEDGER_WEB_DIR
    ? [resolve(env.LEDGER_WEB_DIR)]
    : [
        resolve(__dirname, '../../ledger-web/dist'),
        resolve(__dirname, '../../../../apps/ledger-web/dist'),
      ];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/** Paths the console never answers: the API keeps its JSON 404s there (ADR 024). */
const API_PATHS = /^\/(api|health)(\/|$)/;

/**
 * The web console at `/` (ADR 024): its hashed assets cached for good, and index.html for every
 * other GET that is not an API path, so that a reload on /agencies/… opens the same page. Without
 * a build, nothing is served and `/` stays the API's JSON 404.
 */
export function serveWebConsole(app: NestExpressApplication, dir = webConsoleDir()): void {
  if (!dir) return;
  // Vite names every asset by its content hash: those may be kept; index.html may not.
  const assetsDir = join(dir, 'assets');
  app.useStaticAssets(dir, {
    index: false,
    setHeaders: (res: Response, path: string) => {
      res.setHeader(
        'Cache-Control',
        path.startsWith(assetsDir) ? 'public, max-age=31536000, immutable' : 'no-store',
      );
    },
  });
  const index = join(dir, 'index.html');
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (API_PATHS.test(req.path) || req.path.startsWith('/assets/')) return next();
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-store');
    res.sendFile(index);
  });
}

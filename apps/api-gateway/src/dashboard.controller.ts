import { Controller, Get, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import fs from 'node:fs';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** A built file name under assets/: one segment, no dot-files, nothing that climbs out. */
const ASSET_NAME = /^[\w-]+(\.[\w-]+)+$/;

/**
 * The built dashboard's folder, found through the installed package as /docs finds Swagger UI.
 * Null when the package or its build is missing; asked on each request, so a build made while the
 * server runs is picked up.
 */
function dashboardDir(): string | null {
  try {
    const dir = path.join(path.dirname(require.resolve('@subtrack/dashboard/package.json')), 'dist');
    return fs.existsSync(path.join(dir, 'index.html')) ? dir : null;
  } catch {
    return null;
  }
}

function notBuilt(res: Response): void {
  res
    .status(503)
    .type('text/plain; charset=utf-8')
    .setHeader('cache-control', 'no-store')
    .send(
      'The dashboard is not built: run `npm run build` (or `npm start`, which builds it), then reload.\n' +
        'The API answers meanwhile under /api/, described at /docs.\n',
    );
}

/** The web dashboard at `/`: index.html, and the content-hashed files of its build under /assets/. */
@Controller()
export class DashboardController {
  @Get()
  index(@Res() res: Response): void {
    const dir = dashboardDir();
    if (!dir) return notBuilt(res);
    // Never cached: it names the hashed assets of the current build.
    res.setHeader('cache-control', 'no-cache');
    res.type('text/html; charset=utf-8');
    res.sendFile('index.html', { root: dir });
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    const dir = dashboardDir();
    if (!dir) return notBuilt(res);
    const type = TYPES[path.extname(file)];
    const full = path.join(dir, 'assets', file);
    if (!type || !ASSET_NAME.test(file) || !fs.existsSync(full)) {
      res.status(404).json({ status: 'error', error: 'func', message: 'no such file' });
      return;
    }
    // The name changes with the content, so a browser may keep it for a year.
    res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    res.type(type);
    res.sendFile(file, { root: path.join(dir, 'assets') });
  }
}

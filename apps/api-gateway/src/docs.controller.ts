import { Controller, Get, Header, HttpException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import path from 'node:path';

/** Files of the bundled Swagger UI this page uses; nothing else of that folder is served. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

// Resolved from the installed package, so the page never reaches for a CDN.
const ASSET_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Subscriber tracker API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" href="/docs/favicon-32x32.png">
</head>
<body>
  <div id="ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: '/api/docs',
      dom_id: '#ui',
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: 'StandaloneLayout',
      // The key typed under "Authorize" stays for this browser tab only.
      persistAuthorization: false,
      tryItOutEnabled: true,
    });
  </script>
</body>
</html>`;

/** The interactive API reference at /docs, reading /api/docs; "try it" calls this server. */
@Controller()
export class DocsController {
  @Get('docs')
  @Header('content-type', 'text/html; charset=utf-8')
  page(): string {
    return PAGE;
  }

  @Get('docs/:file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    const type = ASSETS[file];
    if (!type) throw new HttpException('no such file', 404);
    res.setHeader('content-type', type);
    res.setHeader('cache-control', 'public, max-age=86400');
    res.sendFile(path.join(ASSET_DIR, file));
  }
}

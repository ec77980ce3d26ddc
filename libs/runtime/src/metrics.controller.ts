import { Controller, Get, Headers, HttpException, Inject, Res } from '@nestjs/common';
import { CONFIG, type Config } from '@subtrack/config';
import type { Response } from 'express';
import { Metrics } from './metrics';
import { sameSecret } from './same-secret';

/** `GET /metrics`: Prometheus text format; behind a bearer token when METRICS_TOKEN is set. */
@Controller()
export class MetricsController {
  constructor(
    @Inject(Metrics) private readonly metrics: Metrics,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Get('metrics')
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() res: Response) {
    const token = this.config.METRICS_TOKEN;
    if (token && !sameSecret(authorization ?? '', `Bearer ${token}`))
      throw new HttpException(
        {
          status: 'error',
          error: 'key',
          message: 'metrics token required: Authorization: Bearer <METRICS_TOKEN>',
        },
        401,
      );
    const { contentType, body } = await this.metrics.exposition();
    res.setHeader('content-type', contentType);
    res.send(body);
  }
}

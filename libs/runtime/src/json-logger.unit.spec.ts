import { JsonLogger, requestContext, type JsonLoggerOptions } from './json-logger';

const NOW = new Date('2026-12-02T10:00:00.000Z');

function logger(o: Partial<JsonLoggerOptions> = {}) {
  const lines: string[] = [];
  const log = new JsonLogger({
    service: 'ingest',
    level: 'info',
    format: 'json',
    write: (line) => lines.push(line),
    now: () => NOW,
    ...o,
  });
  return { log, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('JsonLogger', () => {
  it('writes one JSON object a line with the service, the context and the message', () => {
    const { log, lines, records } = logger();
    log.log('bot 7 registered', 'bots');
    log.warn('welcome failed for good', 'welcomes');
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    expect(records()).toEqual([
      { time: NOW.toISOString(), level: 'info', service: 'ingest', context: 'bots', msg: 'bot 7 registered' },
      {
        time: NOW.toISOString(),
        level: 'warn',
        service: 'ingest',
        context: 'welcomes',
        msg: 'welcome failed for good',
      },
    ]);
  });

  it("keeps an error's stack, given as the framework passes it or as an Error", () => {
    const { log, records } = logger();
    log.error('postback round failed', 'Error: boom\n    at x', 'postbacks');
    log.error(new Error('kaboom'), 'api');
    const [first, second] = records();
    expect(first).toMatchObject({ level: 'error', context: 'postbacks', stack: 'Error: boom\n    at x' });
    expect(second).toMatchObject({ level: 'error', context: 'api', msg: 'kaboom' });
    expect(String(second!.stack)).toContain('kaboom');
  });

  it('drops lines below LOG_LEVEL, and the framework start-up chatter at info', () => {
    const { log, records } = logger({ level: 'warn' });
    log.log('started');
    log.debug('details');
    log.warn('careful');
    expect(records().map((r) => r.msg)).toEqual(['careful']);
    const info = logger();
    info.log.log('LeadProjectionModule dependencies initialized', 'InstanceLoader');
    info.log.log('embedded started (embedded)', 'embedded');
    expect(info.records().map((r) => r.msg)).toEqual(['embedded started (embedded)']);
  });

  it('carries the request id of the request being served', () => {
    const { log, records } = logger();
    requestContext.run({ requestId: 'req-42' }, () => log.error('unexpected failure', 'api'));
    log.log('outside any request');
    expect(records()[0]).toMatchObject({ requestId: 'req-42' });
    expect(records()[1]).not.toHaveProperty('requestId');
  });

  it('writes the same as plain text for a terminal', () => {
    const { log, lines } = logger({ format: 'pretty' });
    requestContext.run({ requestId: 'req-1' }, () => log.warn('slow answer', 'api'));
    expect(lines).toEqual([`${NOW.toISOString()} WARN  [ingest/api] slow answer (request req-1)\n`]);
  });
});

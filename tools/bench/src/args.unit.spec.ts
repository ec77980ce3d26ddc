import { FULL, QUICK, UsageError, parseArgs } from './args';

describe('bench options', () => {
  it('runs every embedded benchmark at SPEC sizes by default, and small with --quick', () => {
    expect(parseArgs([])).toEqual({
      ...FULL,
      benches: ['raw', 'ingest', 'webhook', 'api', 'telegram'],
      seed: 1,
      json: null,
    });
    expect(parseArgs(['--quick'])).toMatchObject(QUICK);
    expect(parseArgs(['--only', 'distributed', '--distributed-updates', '500'])).toMatchObject({
      benches: ['distributed'],
      distributedUpdates: 500,
    });
  });

  it('lets explicit sizes win over --quick and picks benches in their own order', () => {
    expect(
      parseArgs([
        '--quick',
        '--leads',
        '200_000',
        '--webhook-seconds',
        '4',
        '--only=api,raw',
        '--json',
        'out.json',
      ]),
    ).toMatchObject({
      ...QUICK,
      leads: 200_000,
      webhookSeconds: 4,
      benches: ['raw', 'api'],
      json: 'out.json',
    });
  });

  it('answers --help with null and refuses what it cannot run', () => {
    expect(parseArgs(['-h'])).toBeNull();
    for (const bad of [['--bogus'], ['--leads', '5'], ['--only', 'disk'], ['--seed'], ['extra']])
      expect(() => parseArgs(bad)).toThrow(UsageError);
  });
});

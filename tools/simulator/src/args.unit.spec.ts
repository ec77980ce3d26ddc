import { parseArgs, UsageError } from './args';

describe('parseArgs', () => {
  it('applies defaults and takes the admin token from the environment', () => {
    const opts = parseArgs([], { ADMIN_TOKEN: 'adm' });
    expect(opts).toMatchObject({
      api: 'http://127.0.0.1:3000',
      telegram: 'http://127.0.0.1:8081',
      adminToken: 'adm',
      subscribers: 50,
      organic: 10,
      joinModes: ['request', 'direct'],
    });
    expect(Number.isInteger(opts?.seed)).toBe(true);
  });

  it('reads every option, in both --flag value and --flag=value forms', () => {
    expect(
      parseArgs([
        '--api',
        'http://h:1',
        '--telegram=http://t:2',
        '--admin-token',
        'x',
        '--subscribers',
        '5',
        '--organic=0',
        '--seed',
        '7',
        '--join-mode',
        'direct',
        '--concurrency',
        '2',
        '--reply-timeout-ms',
        '100',
        '--settle-ms',
        '0',
      ]),
    ).toEqual({
      api: 'http://h:1',
      telegram: 'http://t:2',
      adminToken: 'x',
      subscribers: 5,
      organic: 0,
      seed: 7,
      joinModes: ['direct'],
      concurrency: 2,
      replyTimeoutMs: 100,
      settleMs: 0,
    });
  });

  it('returns null for --help and names the problem otherwise', () => {
    expect(parseArgs(['--help'])).toBeNull();
    expect(() => parseArgs([])).toThrow(/ADMIN_TOKEN/);
    expect(() => parseArgs(['--admin-token', 'x', '--subscribers', '-3'])).toThrow(UsageError);
    expect(() => parseArgs(['--admin-token', 'x', '--join-mode', 'both'])).toThrow(/--join-mode/);
    expect(() => parseArgs(['--admin-token', 'x', '--api', 'nope'])).toThrow(/--api/);
    expect(() => parseArgs(['--admin-token', 'x', '--bogus'])).toThrow(/unknown option/);
    expect(() => parseArgs(['--admin-token'])).toThrow(/needs a value/);
  });
});

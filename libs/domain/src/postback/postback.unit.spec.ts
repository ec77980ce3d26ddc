import {
  insideUnsubscribeWindow,
  isPrivateAddress,
  nextRetryAt,
  renderTemplate,
  RETRY_FOR_MS,
  templatesFor,
  type MacroValues,
} from './postback';

const values: MacroValues = {
  click: 'a b&c',
  status: 'approve',
  campaign: 'CODE1',
  user: 7,
  lead: 101,
  subscriber: 42,
  username: '',
  chat: -100123,
  time: 1_700_000_000,
};

describe('postback templates (SPEC §8)', () => {
  it('a campaign that sets any template uses its own five as they are', () => {
    const account = { wait: 'https://a/w', approve: 'https://a/a' };
    expect(templatesFor(account, { approve: 'https://c/a' })).toEqual({ approve: 'https://c/a' });
    expect(templatesFor(account, null)).toBe(account);
    expect(templatesFor(account, {})).toBe(account);
  });

  it('renders every macro URL-encoded, leaves unknown ones, empties stay empty', () => {
    expect(
      renderTemplate(
        'https://t/?c={click}&s={status}&k={campaign}&u={user}&l={lead}&s2={subscriber}&n={username}&ch={chat}&t={time}&x={unknown}',
        values,
      ),
    ).toBe('https://t/?c=a%20b%26c&s=approve&k=CODE1&u=7&l=101&s2=42&n=&ch=-100123&t=1700000000&x={unknown}');
  });

  it('fires cancel and trash only inside the unsubscribe window', () => {
    expect(insideUnsubscribeWindow('cancel', 1000 + 3600, 1000, 1)).toBe(true);
    expect(insideUnsubscribeWindow('cancel', 1000 + 3601, 1000, 1)).toBe(false);
    expect(insideUnsubscribeWindow('trash', 10 ** 9, 1000, 0)).toBe(true);
    expect(insideUnsubscribeWindow('approve', 10 ** 9, 1000, 1)).toBe(true);
  });

  it('retries within seconds first, backs off, and gives up after 24 hours', () => {
    const half = () => 0.5;
    expect(nextRetryAt(0, 1000, 1, { random: half })).toBe(3000);
    expect(nextRetryAt(0, 1000, 3, { random: half })).toBe(1000 + 8000);
    expect(nextRetryAt(0, 1000, 30, { random: half })).toBe(1000 + 3600_000);
    expect(nextRetryAt(0, RETRY_FOR_MS, 40, { random: half })).toBeNull();
    const jittered = [0, 1].map((r) => nextRetryAt(0, 0, 1, { random: () => r })!);
    expect(jittered).toEqual([1600, 2400]);
  });

  it('never waits longer than the configured maximum between attempts', () => {
    const half = () => 0.5;
    const max = { maxDelayMs: 5000, random: half };
    expect(nextRetryAt(0, 1000, 1, max)).toBe(3000);
    expect(nextRetryAt(0, 1000, 3, max)).toBe(1000 + 5000);
    expect(nextRetryAt(0, 1000, 30, max)).toBe(1000 + 5000);
    // Below the first step, every retry waits the maximum; the 24 h horizon is unchanged.
    expect(nextRetryAt(0, 1000, 1, { maxDelayMs: 500, random: half })).toBe(1500);
    expect(nextRetryAt(0, RETRY_FOR_MS, 2, max)).toBeNull();
  });

  it('knows private, loopback, link-local and metadata addresses', () => {
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '100.64.0.1',
      // The same private addresses in the other spellings an IPv6 literal allows.
      '::ffff:7f00:1',
      '0:0:0:0:0:ffff:a9fe:a9fe',
      '::FFFF:10.0.0.1',
      '::127.0.0.1',
      '::',
      '64:ff9b::a00:1',
      '64:ff9b:1::8.8.8.8',
      '2002:c0a8:101::1',
      '2001:0:4136:e378::1',
      '2001:db8::1',
      'fe80::1%eth0',
      'fec0::1',
      'ff02::1',
      '100::1',
      '192.0.2.10',
      '203.0.113.5',
      '255.255.255.255',
      // Unparseable: refused rather than guessed.
      '1.2.3',
      '::1::2',
      '999.1.1.1',
    ]) {
      expect({ ip, private: isPrivateAddress(ip) }).toEqual({ ip, private: true });
    }
    for (const ip of [
      '8.8.8.8',
      '172.32.0.1',
      '2001:4860:4860::8888',
      '::ffff:808:808',
      '64:ff9b::808:808',
      '2002:808:808::1',
      '2a00:1450:4001:82b::200e',
    ])
      expect(isPrivateAddress(ip)).toBe(false);
  });
});

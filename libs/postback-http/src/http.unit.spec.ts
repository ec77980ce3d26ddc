import type { LookupAddress } from 'node:dns';
import { BlockedTargetError, guardedLookup } from './http';

/** A resolver with fixed answers, counting how often it is asked. */
const resolver = (answers: LookupAddress[]) => {
  const asked = { count: 0 };
  const resolve = (
    _host: string,
    _options: object,
    callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
  ) => {
    asked.count++;
    callback(null, answers);
  };
  return { resolve, asked };
};

const lookUp = (answers: LookupAddress[], all: boolean) =>
  new Promise<{ err: Error | null; result: unknown }>((done) => {
    const { resolve } = resolver(answers);
    guardedLookup(resolve)('tracker.example', { all }, (err, address, family) =>
      done({ err, result: all ? address : { address, family } }),
    );
  });

describe('guardedLookup', () => {
  const PUBLIC = { address: '93.184.216.34', family: 4 };

  it('hands a public name its addresses, in the shape the socket asked for', async () => {
    expect(await lookUp([PUBLIC], true)).toEqual({ err: null, result: [PUBLIC] });
    expect(await lookUp([PUBLIC], false)).toEqual({ err: null, result: PUBLIC });
  });

  it.each([
    ['loopback', '127.0.0.1', 4],
    ['private', '10.1.2.3', 4],
    ['metadata', '169.254.169.254', 4],
    ['IPv6 loopback', '::1', 6],
    ['IPv4-mapped private', '::ffff:192.168.0.1', 6],
  ])('refuses a name with any %s address among its answers', async (_kind, address, family) => {
    const { err } = await lookUp([PUBLIC, { address, family }], true);
    expect(err).toBeInstanceOf(BlockedTargetError);
    expect(err!.message).toBe(
      `blocked: tracker.example resolves to a private address (${address}); set POSTBACK_ALLOW_PRIVATE=1 to allow`,
    );
  });

  it('resolves once per connection, so the address checked is the address used', async () => {
    const { resolve, asked } = resolver([PUBLIC]);
    await new Promise((done) => guardedLookup(resolve)('tracker.example', { all: true }, done));
    expect(asked.count).toBe(1);
  });
});

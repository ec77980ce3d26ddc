import { endpoints as api, type Endpoint } from '@subtrack/api-contract';
import type { ArgumentMetadata } from '@nestjs/common';
import { ApiError } from './api-error';
import { ContractPipe } from './endpoint';

const query: ArgumentMetadata = { type: 'query' };
const body: ArgumentMetadata = { type: 'body' };

/** What the pipe hands the handler, or the `<name>: <problem>` of its 400. */
function read(endpoint: Endpoint, meta: ArgumentMetadata, value: unknown): unknown {
  try {
    return new ContractPipe(endpoint).transform(value, meta);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    expect({ status: err.httpStatus, code: err.code }).toEqual({ status: 400, code: 'param' });
    return `400 ${err.message}`;
  }
}

describe('the contract pipe: query strings', () => {
  const list = (q: Record<string, unknown>) => read(api.leadsList, query, q);

  it('reads integers, leaving out what was not given and taking "" for not given', () => {
    expect(list({ campaign: '3', status: '', limit: '10', id: 'the-key' })).toEqual({
      campaign: 3,
      limit: 10,
    });
    expect(list({})).toEqual({});
  });

  it('names the parameter and the problem as the API always has', () => {
    expect(list({ campaign: 'x' })).toBe('400 campaign: must be an integer, got "x"');
    expect(list({ campaign: '1.5' })).toBe('400 campaign: must be an integer, got "1.5"');
    expect(list({ campaign: '0' })).toBe('400 campaign: must be between 1 and 9007199254740991');
    expect(list({ status: '5' })).toBe('400 status: must be between 0 and 4');
    expect(list({ limit: '201' })).toBe('400 limit: must be between 1 and 200');
    expect(list({ offset: '-1' })).toBe('400 offset: must be between 0 and 9007199254740991');
    expect(list({ to: '9007199254740990' })).toBe('400 to: must be between 0 and 253402300799');
    expect(list({ limit: ['1', '2'] })).toBe('400 limit: must be given once');
    expect(list({ campaign: { a: '1' } })).toBe('400 campaign: must be given once');
  });

  it('refuses a from after to by naming from, and takes them equal', () => {
    expect(list({ from: '20', to: '10' })).toBe('400 from: must not be after to (20 > 10)');
    expect(list({ from: '10', to: '10' })).toEqual({ from: 10, to: 10 });
  });

  it('reads enums and flags', () => {
    expect(read(api.journalList, query, { action: 'join' })).toEqual({ action: 'join' });
    expect(read(api.journalList, query, { action: 'kick' })).toBe(
      '400 action: must be one of request, approve, join, leave, ban',
    );
    expect(read(api.postbacksList, query, { state: 'lost' })).toBe(
      '400 state: must be one of pending, delivered, failed',
    );
    expect(read(api.postbacksList, query, { lead: '7', state: '' })).toEqual({ lead: 7 });
    expect(read(api.chatsList, query, { all: 'true' })).toEqual({ all: true });
    expect(read(api.chatsList, query, { all: '0' })).toEqual({ all: false });
    expect(read(api.chatsList, query, { all: 'yes' })).toBe('400 all: must be 0 or 1, got "yes"');
  });

  it('leaves parameters of endpoints without a query schema, and custom parameters, alone', () => {
    expect(read(api.botsList, query, { x: ['1', '2'] })).toEqual({ x: ['1', '2'] });
    expect(read(api.leadsList, { type: 'custom' }, { id: 1 })).toEqual({ id: 1 });
  });
});

describe('the contract pipe: JSON bodies', () => {
  it('refuses anything but an object as the body', () => {
    for (const value of [undefined, null, [], 'text', 42])
      expect(read(api.postbacksResend, body, value)).toBe('400 body: must be a JSON object');
  });

  it('requires, bounds and types fields; null counts as not given', () => {
    expect(read(api.adminAccountAdd, body, {})).toBe('400 name: is required');
    expect(read(api.adminAccountAdd, body, { name: null })).toBe('400 name: is required');
    expect(read(api.adminAccountAdd, body, { name: ' \t' })).toBe('400 name: must not be empty');
    expect(read(api.adminAccountAdd, body, { name: 5 })).toBe('400 name: must be a string');
    expect(read(api.adminAccountAdd, body, { name: 'x'.repeat(201) })).toBe(
      '400 name: must be at most 200 characters',
    );
    expect(read(api.adminAccountAdd, body, { name: 'A', timezone: 'Mars/Base' })).toBe(
      '400 timezone: unknown IANA time zone "Mars/Base"',
    );
    expect(read(api.adminAccountAdd, body, { name: 'A', timezone: 'europe/moscow' })).toEqual({
      name: 'A',
      timezone: 'Europe/Moscow',
    });
    expect(read(api.adminAccountAdd, body, { name: 'A' })).toEqual({ name: 'A', timezone: 'UTC' });
    expect(read(api.adminAccountRotate, body, { account: '12' })).toEqual({ account: 12 });
    expect(read(api.adminAccountRotate, body, { account: 0 })).toBe('400 account: must be between 1 and ∞');
    expect(read(api.adminAccountRotate, body, { account: 1.5 })).toBe('400 account: must be an integer');
    expect(read(api.postbacksSecret, body, { campaign: null, off: '1' })).toEqual({ off: true });
    expect(read(api.postbacksSecret, body, { off: 'yes' })).toBe('400 off: must be a boolean');
  });

  it('reads a campaign as the API always has', () => {
    const base = { name: 'C', bot: 1, chat: -100, join_mode: 'request' };
    expect(read(api.campaignAdd, body, { ...base, method: 'post', default: 1 })).toEqual({
      ...base,
      method: 'POST',
      default: true,
    });
    expect(read(api.campaignAdd, body, { ...base, join_mode: 'open' })).toBe(
      '400 join_mode: must be "request" or "direct"',
    );
    expect(read(api.campaignAdd, body, { ...base, method: 'PUT' })).toBe('400 method: must be GET or POST');
    expect(read(api.campaignAdd, body, { ...base, unsub_window: 87_601 })).toBe(
      '400 unsub_window: must be between 0 and 87600',
    );
    expect(read(api.campaignEdit, body, { name: 'C' })).toBe('400 id: is required');
    expect(read(api.campaignEdit, body, { id: 3, postbacks: null })).toEqual({ id: 3, postbacks: null });
  });

  it('reads postback templates, naming the status that is wrong', () => {
    expect(read(api.postbacksGlobal, body, {})).toBe('400 postbacks: must be an object keyed by status name');
    expect(read(api.postbacksGlobal, body, { postbacks: { won: 'https://x' } })).toBe(
      '400 postbacks.won: unknown status, use wait, hold, approve, cancel, trash',
    );
    expect(read(api.postbacksGlobal, body, { postbacks: { hold: 'ftp://x' } })).toBe(
      '400 postbacks.hold: must be an http(s) URL template',
    );
    expect(
      read(api.postbacksGlobal, body, {
        postbacks: { wait: 'HTTPS://t.example/?c={click}', hold: '', trash: null },
      }),
    ).toEqual({ postbacks: { wait: 'HTTPS://t.example/?c={click}' } });
  });

  it('reads a bot token trimmed, and a test postback request', () => {
    const token = '123:abcdefghijklmnopqrstuvwxyz';
    expect(read(api.botAdd, body, { token: ` ${token}\n` })).toEqual({ token });
    expect(read(api.botAdd, body, { token: 'nope' })).toBe(
      '400 token: is not a Telegram bot token (<id>:<secret>)',
    );
    expect(read(api.postbacksTest, body, { campaign: 2, status: 'approve' })).toEqual({
      campaign: 2,
      status: 'approve',
    });
    expect(read(api.postbacksTest, body, { campaign: 2, status: 'won' })).toBe(
      '400 status: must be one of wait, hold, approve, cancel, trash',
    );
  });
});

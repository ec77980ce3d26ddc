import { parseStartPayload, startCommandPayload } from './start-payload';

describe('parseStartPayload (SPEC §3)', () => {
  it.each([
    ['SUMMER-abc456xyz', 'SUMMER', 'abc456xyz'],
    ['SUMMER', 'SUMMER', ''],
    ['SUMMER-', 'SUMMER', ''],
    ['SUMMER-abc-def-1', 'SUMMER', 'abc-def-1'],
    ['SUMMER--x', 'SUMMER', '-x'],
    ['c_12-AB_cd', 'c_12', 'AB_cd'],
    ['A'.repeat(64), 'A'.repeat(64), ''],
    [`C-${'x'.repeat(62)}`, 'C', 'x'.repeat(62)],
  ])('%s → code %s, click %s', (payload, code, click) => {
    expect(parseStartPayload(payload)).toEqual({ code, click });
  });

  it.each([
    ['empty', ''],
    ['65 characters', 'A'.repeat(65)],
    ['65 characters with a click', `C-${'x'.repeat(63)}`],
    ['a space', 'SUMMER abc'],
    ['a dot', 'SUMMER-abc.def'],
    ['a plus', 'SUMMER-a+b'],
    ['an equals sign (base64 padding)', 'U1VNTUVS='],
    ['non-ASCII', 'ЛЕТО-abc'],
    ['a URL-escaped character', 'SUMMER-a%20b'],
  ])('%s → empty code and click (goes to the default campaign)', (_name, payload) => {
    expect(parseStartPayload(payload)).toEqual({ code: '', click: '' });
  });
});

describe('startCommandPayload', () => {
  it.each([
    ['/start SUMMER-abc', 'SUMMER-abc'],
    ['/start', ''],
    ['/start ', ''],
    ['/start   SUMMER-abc  ', 'SUMMER-abc'],
    ['/start@TrackerBot SUMMER-abc', 'SUMMER-abc'],
    ['/start@TrackerBot', ''],
    ['/start a.b', 'a.b'],
  ])('%j → %j', (text, payload) => {
    expect(startCommandPayload(text)).toBe(payload);
  });

  it.each(['hello', '/help', '/starter', 'start X', ' /start X', '', '/start@ X'])(
    '%j is not a /start command',
    (text) => {
      expect(startCommandPayload(text)).toBeNull();
    },
  );

  it('a malformed payload still comes through, and then parses to the default campaign', () => {
    expect(parseStartPayload(startCommandPayload('/start a.b')!)).toEqual({ code: '', click: '' });
  });
});

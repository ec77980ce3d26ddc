import { renderTemplate, sampleValues } from './postback';

describe('postback template preview', () => {
  const values = sampleValues('SPRING', 7);

  it('fills known macros URL-encoded and leaves unknown ones alone', () => {
    expect(renderTemplate('https://t.example/pb?c={click}&s={status}&x={nope}&u={user}', values)).toBe(
      'https://t.example/pb?c=abc%20123%26x&s=wait&x={nope}&u=7',
    );
  });

  it('reads the campaign code of the form, or a placeholder while it has none', () => {
    expect(renderTemplate('{campaign}', values)).toBe('SPRING');
    expect(renderTemplate('{campaign}', sampleValues('', 7))).toBe('CODE');
  });

  it('does not treat inherited object keys as macros', () => {
    expect(renderTemplate('https://t.example/?a={constructor}&b={toString}', values)).toBe(
      'https://t.example/?a={constructor}&b={toString}',
    );
  });
});

import { storedLead } from '@subtrack/testing';
import { csvCell, leadCsvLine } from './present';

describe('CSV export cells', () => {
  it('opens formula-like text as text in a spreadsheet', () => {
    for (const formula of ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\tx'])
      expect(csvCell(formula).replace(/^"|"$/g, '').startsWith("'")).toBe(true);
    expect(csvCell('=1+1')).toBe("'=1+1");
  });

  it('quotes commas, quotes and line breaks, and leaves plain cells and numbers alone', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('fbclid-IwAR3x')).toBe('fbclid-IwAR3x');
    expect(csvCell(-1_001_234)).toBe('-1001234');
  });

  it('writes one lead as one CRLF line in column order', () => {
    const line = leadCsvLine(storedLead({ id: 7, click: '=cmd|x', username: 'ann' }), 'UTC');
    expect(line.endsWith('\r\n')).toBe(true);
    expect(line.split(',').slice(0, 5)).toEqual(['7', '1', '5123456789', 'ann', "'=cmd|x"]);
  });
});

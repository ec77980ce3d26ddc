import { SUMMARY_FIELDS, type Summary } from './expected';

export interface ScopeComparison {
  scope: string;
  expected: Summary;
  actual: Summary | { error: string };
}

export function summariesMatch(expected: Summary, actual: Summary | { error: string }): boolean {
  if ('error' in actual) return false;
  return SUMMARY_FIELDS.every((field) => {
    const a = Number(actual[field]);
    return field === 'cr' ? Math.abs(a - expected[field]) < 0.05 : a === expected[field];
  });
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, col) => (col === 0 ? cell.padEnd(widths[col] ?? 0) : cell.padStart(widths[col] ?? 0)))
        .join('  '),
    )
    .join('\n');
}

/** Planned vs performed actions, then expected vs product numbers per scope, side by side. */
export function formatReport(input: {
  planned: Record<string, number>;
  performed: Record<string, number>;
  comparisons: ScopeComparison[];
  errors: number;
}): string {
  const out: string[] = [];
  const actions = Object.keys({ ...input.planned, ...input.performed });
  out.push('Telegram actions (planned / performed)');
  out.push(
    table([
      ['action', 'planned', 'performed'],
      ...actions.map((a) => [a, String(input.planned[a] ?? 0), String(input.performed[a] ?? 0)]),
    ]),
  );
  if (input.errors > 0) out.push(`${input.errors} step(s) failed; see the log above`);
  for (const c of input.comparisons) {
    out.push('');
    const match = summariesMatch(c.expected, c.actual);
    out.push(`Summary: ${c.scope} — ${match ? 'MATCH' : 'MISMATCH'}`);
    if ('error' in c.actual) {
      out.push(table([['metric', 'expected'], ...SUMMARY_FIELDS.map((f) => [f, String(c.expected[f])])]));
      out.push(`product: ${c.actual.error}`);
      continue;
    }
    const actual = c.actual;
    out.push(
      table([
        ['metric', 'expected', 'product', ''],
        ...SUMMARY_FIELDS.map((f) => {
          const ok = summariesMatch({ ...c.expected }, { ...c.expected, [f]: actual[f] });
          return [f, String(c.expected[f]), String(actual[f] ?? '—'), ok ? '' : '<-- differs'];
        }),
      ]),
    );
  }
  return out.join('\n');
}

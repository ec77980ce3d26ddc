import os from 'node:os';

/** SPEC §9: memory of the embedded process. */
export const RSS_TARGET_MB = 300;
export const MB = 1024 * 1024;

/** A SPEC target: the measured value must be at least (throughput) or at most (latency, memory) this. */
export interface Target {
  value: number;
  goal: 'atLeast' | 'atMost';
}

export interface Figure {
  id: string;
  label: string;
  value: number;
  unit: string;
  target?: Target;
  /** Extra context printed beside the value (percentiles, sizes, the reference of a ratio). */
  detail?: string;
  /** A figure that is itself a ratio (ingest ÷ raw engine) has no target and no unit. */
  ratioOnly?: boolean;
}

export type Status = 'MET' | 'MISSED' | '';

export interface ScoredFigure extends Figure {
  /** measured ÷ target; for `atMost` targets below 1 is good, for `atLeast` above 1 is. */
  ratio: number | null;
  status: Status;
}

export function score(figure: Figure): ScoredFigure {
  const { target } = figure;
  if (!target) return { ...figure, ratio: null, status: '' };
  const ratio = figure.value / target.value;
  const met = target.goal === 'atLeast' ? figure.value >= target.value : figure.value <= target.value;
  return { ...figure, ratio, status: met ? 'MET' : 'MISSED' };
}

/** What every benchmark hands back: its figures, the checks it made, and what is worth knowing. */
export interface BenchResult {
  figures: Figure[];
  /** Checks of the produced numbers (counts, summaries); one failure fails the run. */
  checks: Check[];
  notes: string[];
}

export interface Check {
  what: string;
  expected: unknown;
  actual: unknown;
  ok: boolean;
}

/** JSON with object keys sorted, so that equal values compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

export function check(what: string, expected: unknown, actual: unknown): Check {
  return { what, expected, actual, ok: canonical(expected) === canonical(actual) };
}

const grouped = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Values above 100 need no decimals; small ones (latencies in ms) keep two. */
export function formatValue(value: number, unit: string): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return unit ? `${grouped(value, digits)} ${unit}` : grouped(value, digits);
}

function formatTarget(f: Figure): string {
  if (!f.target) return '';
  return `${f.target.goal === 'atLeast' ? '≥' : '≤'} ${formatValue(f.target.value, f.unit)}`;
}

function row(f: ScoredFigure): string[] {
  const measured = f.ratioOnly ? `${(f.value * 100).toFixed(1)} %` : formatValue(f.value, f.unit);
  const ratio = f.ratio === null ? '' : `${f.ratio.toFixed(2)}×`;
  return [f.label, measured, formatTarget(f), ratio, f.status, f.detail ?? ''];
}

/** A plain-text table, columns padded to their widest cell. */
export function formatTable(figures: readonly ScoredFigure[]): string {
  const header = ['figure', 'measured', 'target', 'measured/target', 'status', 'detail'];
  const rows = [header, ...figures.map(row)];
  const widths = header.map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? '')].length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, c) => cell + ' '.repeat((widths[c] ?? 0) - [...cell].length))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryMb: number;
  node: string;
  platform: string;
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryMb: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    platform: `${process.platform} ${os.release()}`,
  };
}

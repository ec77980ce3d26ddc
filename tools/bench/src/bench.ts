import fs from 'node:fs';
import { apiLatency } from './api-latency';
import type { BenchOptions } from './args';
import { ingestDirect, ingestPolling, type IngestRun } from './ingest';
import { telegramBurst } from './telegram';
import { webhookIngest } from './webhook';
import { distributedBench } from './distributed';
import { rawEngineLimit } from './raw-engine';
import {
  formatTable,
  machine,
  score,
  type BenchResult,
  type Check,
  type Figure,
  type Machine,
  type ScoredFigure,
} from './report';

export interface BenchReport {
  startedAt: string;
  machine: Machine;
  options: BenchOptions;
  figures: ScoredFigure[];
  checks: Check[];
  /** Benchmarks that threw: the run did not complete. */
  errors: string[];
  notes: string[];
  ok: boolean;
}

type Log = (line: string) => void;

/** Runs one benchmark; a failure is recorded and the others still run. */
async function attempt<R extends BenchResult>(
  name: string,
  log: Log,
  errors: string[],
  run: () => Promise<R>,
): Promise<R | null> {
  log(`${name}…`);
  const t0 = performance.now();
  try {
    const result = await run();
    log(`${name}: done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    return result;
  } catch (err) {
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
    errors.push(`${name}: ${message}`);
    log(`${name}: FAILED: ${message}`);
    return null;
  }
}

/** SPEC §9 asks for every ingest figure also as a share of the raw engine limit of the same run. */
function ratioToRaw(run: IngestRun, rawRowsPerSecond: number): Figure {
  const figure = run.figures[0]!;
  return {
    id: `${figure.id}.vs-raw`,
    label: `  ↳ as a share of the raw engine limit`,
    value: figure.value / rawRowsPerSecond,
    unit: '',
    ratioOnly: true,
    detail: `${Math.round(figure.value).toLocaleString('en-US')} updates/s ÷ ${Math.round(rawRowsPerSecond).toLocaleString('en-US')} rows/s`,
  };
}

export async function runBenchmarks(options: BenchOptions, log: Log): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const results: BenchResult[] = [];
  const errors: string[] = [];
  const keep = (r: BenchResult | null): void => void (r && results.push(r));
  let raw: number | null = null;

  if (options.benches.includes('raw')) {
    const r = await attempt('raw engine limit', log, errors, () =>
      rawEngineLimit(options.rawRows, options.seed),
    );
    if (r) raw = r.rowsPerSecond;
    keep(r);
  }
  if (options.benches.includes('ingest')) {
    const ingest = { updates: options.updates, seed: options.seed, log };
    for (const [name, run] of [
      ['ingest → projections, long polling', ingestPolling],
      ['event log → projections, backlog, no Telegram', ingestDirect],
    ] as const) {
      const r = await attempt(name, log, errors, () => run(ingest));
      if (r && raw !== null) r.figures.push(ratioToRaw(r, raw));
      keep(r);
    }
  }
  if (options.benches.includes('webhook')) {
    keep(
      await attempt('webhook ingest', log, errors, () =>
        webhookIngest({ seconds: options.webhookSeconds, seed: options.seed, log }),
      ),
    );
  }
  if (options.benches.includes('api')) {
    keep(
      await attempt('API latency', log, errors, () =>
        apiLatency({
          leads: options.leads,
          journal: options.journal,
          requests: options.requests,
          seed: options.seed,
          log,
        }),
      ),
    );
  }

  if (options.benches.includes('telegram')) {
    keep(
      await attempt('Telegram burst', log, errors, () =>
        telegramBurst({ starts: options.starts, seed: options.seed, log }),
      ),
    );
  }

  if (options.benches.includes('distributed')) {
    keep(
      await attempt('distributed pipeline', log, errors, () =>
        distributedBench({ updates: options.distributedUpdates, seed: options.seed, log }),
      ),
    );
  }

  const checks = results.flatMap((r) => r.checks);
  return {
    startedAt,
    machine: machine(),
    options,
    figures: results.flatMap((r) => r.figures).map(score),
    checks,
    errors,
    notes: results.flatMap((r) => r.notes),
    ok: errors.length === 0 && checks.every((c) => c.ok),
  };
}

export function formatReport(report: BenchReport): string {
  const m = report.machine;
  const lines = [
    `subtrack benchmark (${report.options.benches.join(', ')}), ${report.startedAt}`,
    `${m.cpus} × ${m.cpuModel}, ${m.memoryMb.toLocaleString('en-US')} MB, Node ${m.node}, ${m.platform}`,
    '',
    formatTable(report.figures),
    '',
  ];
  const failed = report.checks.filter((c) => !c.ok);
  lines.push(`checks: ${report.checks.length - failed.length} of ${report.checks.length} passed`);
  for (const c of failed)
    lines.push(`  WRONG: ${c.what}: expected ${JSON.stringify(c.expected)}, got ${JSON.stringify(c.actual)}`);
  for (const e of report.errors) lines.push(`  BROKE: ${e.split('\n')[0]}`);
  if (report.notes.length > 0) lines.push('', 'notes:', ...report.notes.map((n) => `  - ${n}`));
  const missed = report.figures.filter((f) => f.status === 'MISSED').length;
  lines.push(
    '',
    report.ok
      ? `run complete: ${missed === 0 ? 'every target met' : `${missed} target(s) MISSED`}`
      : 'run FAILED: a benchmark broke or produced wrong numbers',
  );
  return lines.join('\n');
}

export function writeJson(path: string, report: BenchReport): void {
  fs.writeFileSync(path, JSON.stringify(report, null, 2) + '\n');
}

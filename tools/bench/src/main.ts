#!/usr/bin/env node
import { USAGE, UsageError, parseArgs } from './args';
import { formatReport, runBenchmarks, writeJson } from './bench';

/** `npm run bench`: the embedded-mode figures of SPEC §9 beside their targets. */
async function main(): Promise<number> {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (!options) {
    console.log(USAGE);
    return 0;
  }
  const { benches, json: _json, seed: _seed, ...sizes } = options;
  console.log(`benchmarks: ${benches.join(', ')}; sizes ${JSON.stringify(sizes)}`);
  const report = await runBenchmarks(options, (line) => console.log(line));
  console.log(`\n${formatReport(report)}`);
  if (options.json) {
    writeJson(options.json, report);
    console.log(`results written to ${options.json}`);
  }
  return report.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`benchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);

#!/usr/bin/env node
import { USAGE, UsageError, parseArgs } from './args';
import { simulate } from './simulate';

async function main(): Promise<number> {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2), process.env);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (!opts) {
    console.log(USAGE);
    return 0;
  }
  const outcome = await simulate(opts);
  console.log(`\n${outcome.report}`);
  if (outcome.errors > 0) return 2;
  return outcome.matched ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`simulation failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  },
);

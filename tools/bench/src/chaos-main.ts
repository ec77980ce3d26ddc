import { parseArgs } from 'node:util';
import { chaos } from './chaos';

const USAGE = `Usage: npm run chaos -- [--updates N] [--crashes N] [--seed N]      (after npm run build)

Plays the same traffic twice into the embedded product, once undisturbed and once with kill -9 at
random moments, and compares every API answer and the deliveries. Defaults: 100,000 updates, 20 crashes.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      updates: { type: 'string', default: '100000' },
      crashes: { type: 'string', default: '20' },
      seed: { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [updates, crashes, seed] = [values.updates, values.crashes, values.seed].map(Number) as [
    number,
    number,
    number,
  ];
  if (![updates, crashes, seed].every((n) => Number.isInteger(n) && n >= 0) || updates < 100) {
    console.error(USAGE);
    return 2;
  }
  const result = await chaos({ updates, crashes, seed, log: (l) => console.log(l) });
  console.log(result.lines.join('\n'));
  console.log(result.ok ? 'chaos: every check passed' : 'chaos: FAILED');
  return result.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);

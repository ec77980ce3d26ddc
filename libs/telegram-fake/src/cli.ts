#!/usr/bin/env node
import { startFakeTelegram } from './server';

const USAGE = `Usage: fake-telegram [--port 8081] [--host 127.0.0.1] [--seed N] [--latency MS[-MS]] [--flood-limit N]
Starts an in-memory Telegram Bot API server. Point the product at it with
TELEGRAM_API_ROOT=<printed URL>; drive scenarios through POST /_fake/<action>.
  --latency      delay of every Bot API answer, e.g. 150 or 100-300 (ms)
  --flood-limit  calls of one method per bot per second before 429 retry_after (Telegram: ~30)`;

interface CliOptions {
  port: number;
  host: string;
  seed?: number;
  latencyMs?: number | [number, number];
  floodLimitPerSecond?: number;
}

function parseArgs(argv: string[]): CliOptions {
  const out: CliOptions = { port: 8081, host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes('=') ? (arg.split(/=(.*)/s) as [string, string]) : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--port') out.port = Number(value());
    else if (flag === '--host') out.host = value();
    else if (flag === '--seed') out.seed = Number(value());
    else if (flag === '--latency') {
      const m = /^(\d+)(?:-(\d+))?$/.exec(value());
      if (!m) throw new Error('--latency must be MS or MIN-MAX');
      out.latencyMs = m[2] === undefined ? Number(m[1]) : [Number(m[1]), Number(m[2])];
    } else if (flag === '--flood-limit') out.floodLimitPerSecond = Number(value());
    else if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}`);
  }
  if (!Number.isInteger(out.port) || out.port < 0 || out.port > 65535)
    throw new Error('--port must be 0-65535');
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const running = await startFakeTelegram(args);
  console.log(`fake Telegram Bot API listening on ${running.url}`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    void running.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  console.error(USAGE);
  process.exit(1);
});

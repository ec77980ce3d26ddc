#!/usr/bin/env node
import { startFakeTelegram } from './server';

const USAGE = `Usage: fake-telegram [--port 8081] [--host 127.0.0.1] [--seed N]
Starts an in-memory Telegram Bot API server. Point the product at it with
TELEGRAM_API_ROOT=<printed URL>; drive scenarios through POST /_fake/<action>.`;

function parseArgs(argv: string[]): { port: number; host: string; seed?: number } {
  const out: { port: number; host: string; seed?: number } = { port: 8081, host: '127.0.0.1' };
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

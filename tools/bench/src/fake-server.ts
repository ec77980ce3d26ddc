import { startFakeTelegram } from '@subtrack/telegram-fake';
import { failToParent, serveParent } from './child';

/**
 * The fake Telegram Bot API of the ingest benchmark, in a process of its own: Telegram is another
 * machine in production, so its work must not take CPU from the product's process, and its own CPU
 * time tells whether it is what limits the figure. History is off unless asked for ("history"): a
 * benchmark queues far more updates than anybody would inspect. A third argument sets how soon a
 * failed webhook delivery is tried again (ms).
 */
async function main(): Promise<void> {
  const seed = Number(process.argv[2] ?? 1);
  const recordHistory = process.argv[3] === 'history';
  const webhookRetryMs = process.argv[4] ? Number(process.argv[4]) : undefined;
  const running = await startFakeTelegram({
    port: 0,
    recordHistory,
    seed,
    ...(webhookRetryMs !== undefined ? { webhookRetryMs } : {}),
  });
  serveParent(running.url, () => running.close());
}

main().catch(failToParent);

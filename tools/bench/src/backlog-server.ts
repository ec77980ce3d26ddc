import { failToParent, serveParent } from './child';
import type { BacklogReport } from './ingest';
import { productConfig, projectionsCaughtUp, startProduct } from './product';

/**
 * The embedded product started on a data dir whose event log holds a backlog, in a process of its
 * own: reports how long both projections took to apply all of it, from before the product booted,
 * and this process's peak RSS meanwhile; then serves the API for the checks.
 */
async function main(): Promise<void> {
  const [dataDir] = process.argv.slice(2);
  if (!dataDir) throw new Error('usage: backlog-server <data dir>');
  const t0 = performance.now();
  let peakRss = process.memoryUsage().rss;
  const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const app = await startProduct(productConfig(dataDir));
  await projectionsCaughtUp(app.adapters.eventLog, { timeoutMs: 3_600_000 });
  const caughtUpMs = performance.now() - t0;
  clearInterval(sample);
  const cpu = process.cpuUsage();
  const report: BacklogReport = {
    caughtUpMs,
    peakRss: Math.max(peakRss, process.memoryUsage().rss),
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
  serveParent(app.url, () => app.close(), { ...report });
}

main().catch(failToParent);

import { failToParent, serveParent } from './child';
import { productConfig, startProduct } from './product';

/**
 * The embedded product serving the API benchmark, in a process of its own so that its memory is
 * measured without the load generator's. Nothing talks to Telegram: no bot polls, no webhook is set.
 */
async function main(): Promise<void> {
  const [dataDir] = process.argv.slice(2);
  if (!dataDir) throw new Error('usage: api-server <data dir>');
  const app = await startProduct(productConfig(dataDir));
  serveParent(app.url, () => app.close());
}

main().catch(failToParent);

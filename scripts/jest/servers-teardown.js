// Stops the servers the global setup started (and only those).
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async () => {
  if (!globalThis.__SUBTRACK_SERVERS_STARTED__ || process.env.KEEP_SERVERS === '1') return;
  execFileSync('bash', [path.join(__dirname, '..', 'servers', 'all.sh'), 'stop'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // The next tier's teardown has nothing left to stop.
  globalThis.__SUBTRACK_SERVERS_STARTED__ = false;
};

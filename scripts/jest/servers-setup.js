// Jest global setup: the Kafka and MongoDB-protocol suites run against real servers. Unless
// KAFKA_BROKERS and MONGO_URL already point at some, start the local ones (fetched and cached by
// scripts/servers) and remember to stop them again.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const script = path.join(__dirname, '..', 'servers', 'all.sh');

module.exports = async () => {
  if (process.env.KAFKA_BROKERS && process.env.MONGO_URL) return;
  // Servers another run started (a second jest run beside a long one) are used and left running.
  let running = true;
  try {
    execFileSync('bash', [script, 'status'], { stdio: 'ignore' });
  } catch {
    running = false;
  }
  const out = execFileSync('bash', [script, running ? 'env' : 'start'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  for (const line of out.split('\n')) {
    const m = /^(KAFKA_BROKERS|MONGO_URL)=(.+)$/.exec(line.trim());
    if (m) process.env[m[1]] = m[2];
  }
  if (!process.env.KAFKA_BROKERS || !process.env.MONGO_URL)
    throw new Error(`servers did not report their addresses:\n${out}`);
  // Each tier that needs the servers runs this; whichever started them has them stopped at the end.
  globalThis.__SUBTRACK_SERVERS_STARTED__ = globalThis.__SUBTRACK_SERVERS_STARTED__ || !running;
};

// The Kafka broker and MongoDB-protocol server a run needs: the ones KAFKA_BROKERS and MONGO_URL
// name, else the local ones of this folder (started when none is running, and then reported as
// started so that the caller stops them again). Used by the jest global setup and teardown and by
// the distributed benchmark.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const script = path.join(__dirname, 'all.sh');

/** @returns {{ KAFKA_BROKERS: string, MONGO_URL: string, started: boolean }} */
function useServers() {
  const { KAFKA_BROKERS, MONGO_URL } = process.env;
  if (KAFKA_BROKERS && MONGO_URL) return { KAFKA_BROKERS, MONGO_URL, started: false };
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
  const env = {};
  for (const line of out.split('\n')) {
    const m = /^(KAFKA_BROKERS|MONGO_URL)=(.+)$/.exec(line.trim());
    if (m) env[m[1]] = m[2];
  }
  if (!env.KAFKA_BROKERS || !env.MONGO_URL)
    throw new Error(`servers did not report their addresses:\n${out}`);
  return { KAFKA_BROKERS: env.KAFKA_BROKERS, MONGO_URL: env.MONGO_URL, started: !running };
}

function stopServers() {
  execFileSync('bash', [script, 'stop'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

module.exports = { useServers, stopServers };

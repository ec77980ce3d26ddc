/** What a contract suite's factory opens: the thing under test and a way to release it. */
export interface Closable {
  close(): Promise<void>;
}

export interface StoreFixture<S> extends Closable {
  store: S;
}

/**
 * Opens a fresh fixture before each test and closes it after. Returns an accessor for the test body.
 */
export function useFixture<F extends Closable>(factory: () => Promise<F>): () => F {
  let current: F | undefined;
  beforeEach(async () => {
    current = await factory();
  });
  afterEach(async () => {
    const open = current;
    current = undefined;
    await open?.close();
  });
  return () => {
    if (!current) throw new Error('fixture is only available inside a test');
    return current;
  };
}

/** Resolves once `predicate` holds, polling; rejects with `what` after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(10);
  }
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The address of a real server a suite needs. Missing, the suite fails with a clear message rather
 * than being skipped: `npm test` starts the servers (scripts/servers) and sets these variables.
 */
export function requireServer(variable: 'KAFKA_BROKERS' | 'MONGO_URL'): string {
  const value = process.env[variable];
  if (!value) {
    throw new Error(
      `${variable} is not set: this suite runs against a real server (npm test starts one, see scripts/servers)`,
    );
  }
  return value;
}

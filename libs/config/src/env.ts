import { z } from 'zod';

/** A configuration problem, named by its variable; start-up stops with this message. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

const url = (name: string) =>
  z.string().refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, `${name} must be an http(s) URL`);

const flag = z.enum(['0', '1', 'true', 'false', '']).transform((v) => v === '1' || v === 'true');

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default('./data'),
  ADMIN_TOKEN: z.string().min(8, 'ADMIN_TOKEN must be at least 8 characters').optional(),
  /** When set, GET /metrics asks for `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(8, 'METRICS_TOKEN must be at least 8 characters').optional(),
  PUBLIC_URL: url('PUBLIC_URL')
    .transform((v) => v.replace(/\/+$/, ''))
    .optional(),
  TELEGRAM_MODE: z.enum(['webhook', 'polling']).default('webhook'),
  TELEGRAM_API_ROOT: url('TELEGRAM_API_ROOT')
    .transform((v) => v.replace(/\/+$/, ''))
    .default('https://api.telegram.org'),
  KAFKA_BROKERS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    )
    .refine(
      (v) => v.length > 0 && v.every((b) => /^[^\s:]+:\d+$/.test(b)),
      'KAFKA_BROKERS must be host:port[,host:port…]',
    )
    .optional(),
  MONGO_URL: z
    .string()
    .refine((v) => /^mongodb(\+srv)?:\/\//.test(v), 'MONGO_URL must start with mongodb:// or mongodb+srv://')
    .optional(),
  /** Prepended to Kafka topic and consumer group names, so deployments can share a broker. */
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, 'KAFKA_TOPIC_PREFIX may hold letters, digits, ".", "_" and "-" only')
    .default(''),
  /** Partitions of each topic; the same for all so derived events stay beside their cause. */
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(64).default(8),
  POSTBACK_ALLOW_PRIVATE: flag.default('0'),
  /** The longest wait between two attempts of a failing postback (ms); backoff doubles up to it. */
  POSTBACK_RETRY_MAX_MS: z.coerce.number().int().min(100).max(86_400_000).default(3_600_000),
  /**
   * Bot API calls per second per bot and method the welcome sender makes (Telegram allows about 30
   * messages a second per bot); messages to one chat go at most one a second.
   */
  TELEGRAM_RATE_PER_BOT: z.coerce.number().positive().max(1000).default(30),
  /**
   * getChatMember calls per bot per minute the membership recheck makes (0: off), to find leaves
   * Telegram sent no update for.
   */
  /** How often a welcome held for an unhealthy bot or chat (token revoked, no admin rights) looks again (ms). */
  WELCOME_HOLD_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  TELEGRAM_RECHECK_PER_MINUTE: z.coerce.number().int().min(0).max(6000).default(20),
  /** API requests a minute per API key (a minute's worth may come at once); 0 turns the limit off. */
  API_RATE_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(600),
  /** Failed authentications a minute per client address, admin token included; 0 turns the limit off. */
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(20),
  /** Take the client address from X-Forwarded-For (behind a reverse proxy that sets it). */
  TRUST_PROXY: flag.default('0'),
  /** The least severe log lines written: error, warn, info or debug. */
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  /** JSON lines, or plain text for a person at a terminal; unset: plain on a terminal, JSON otherwise. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  /** How often services look for bots registered by another process (ms). */
  BOT_REFRESH_MS: z.coerce.number().int().min(100).default(2000),
});

export type Config = z.infer<typeof schema>;

/** Parses and validates the environment once; nothing else reads process.env. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(present);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(
      variable,
      issue.message.startsWith(variable)
        ? issue.message.slice(variable.length + 1).trim() || issue.message
        : issue.message,
    );
  }
  const config = result.data;
  if ((config.KAFKA_BROKERS === undefined) !== (config.MONGO_URL === undefined)) {
    const missing = config.KAFKA_BROKERS === undefined ? 'KAFKA_BROKERS' : 'MONGO_URL';
    throw new ConfigError(missing, 'the distributed mode needs both KAFKA_BROKERS and MONGO_URL');
  }
  return config;
}

export const isDistributed = (config: Config): boolean => config.KAFKA_BROKERS !== undefined;

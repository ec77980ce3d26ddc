import { FakeTelegramClient, type FakeControl } from '@subtrack/telegram-fake';
import type { SimulatorOptions } from './args';
import { expectedSummary, plannedActions, type Summary } from './expected';
import { planSimulation } from './plan';
import { ProductClient, findChatRecord } from './product';
import { formatReport, summariesMatch, type ScopeComparison } from './report';
import { runPlan } from './run';

export interface SimulationOutcome {
  report: string;
  matched: boolean;
  errors: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await sleep(250);
  }
}

/**
 * End to end against a running product: sets up an account, a bot, a chat and campaigns
 * through the product's API and the fake's control API, plays the plan, waits for the fake to
 * be idle, then compares the product's summary with the expected one.
 */
export async function simulate(
  opts: SimulatorOptions,
  log: (line: string) => void = console.log,
  telegram: FakeControl = new FakeTelegramClient(opts.telegram),
): Promise<SimulationOutcome> {
  const tag = Math.random().toString(36).slice(2, 8);
  const plan = planSimulation(opts);
  log(`seed ${opts.seed}; campaigns: ${opts.joinModes.join(', ')}`);

  const admin = new ProductClient(opts.api);
  const account = await admin.createAccount(opts.adminToken, 'simulator', 'UTC');
  const product = admin.withKey(account.api_key);
  log(`account ${account.id} created`);

  const startedAt = await telegram.now();
  const bot = await telegram.createBot({ username: `sim${tag}_bot`, first_name: 'Simulator' });
  const productBot = await product.addBot(bot.token);
  log(`bot @${bot.username} registered as ${productBot.id}`);

  const owner = await telegram.createUser({ first_name: 'Simulator owner', username: `sim${tag}_owner` });
  const chat = await telegram.createChat({ title: `Simulator ${tag}`, type: 'supergroup', creator: owner });
  await telegram.addBotToChat(bot, chat, { admin: true, by: owner });
  const chatRecord = await until('the product to discover the chat', 30_000, async () =>
    findChatRecord(await product.listChats(productBot.id), chat.id),
  );
  log(`chat ${chat.id} discovered by the product as ${chatRecord.id}`);

  const campaigns: { id: number | string; code: string }[] = [];
  for (const { joinMode } of plan.campaigns) {
    const campaign = await product.addCampaign({
      name: `simulator ${joinMode} ${tag}`,
      bot: productBot.id,
      chat: chatRecord.id,
      join_mode: joinMode,
      welcome: 'Welcome! Tap the button to join the chat.',
    });
    campaigns.push(campaign);
    log(`campaign ${campaign.id} (${joinMode}): ${campaign.link}`);
  }

  const result = await runPlan(
    plan,
    {
      telegram,
      botId: bot.id,
      chatId: chat.id,
      adminId: owner.id,
      campaignCodes: campaigns.map((c) => c.code),
      userTag: tag,
    },
    { concurrency: opts.concurrency, replyTimeoutMs: opts.replyTimeoutMs, log },
  );
  log('waiting for the fake to deliver everything…');
  await telegram.idle({ timeoutMs: 120_000 });
  const endedAt = await telegram.now();

  const range = { from: startedAt - 5, to: endedAt + 5 };
  const scopes: { scope: string; expected: Summary; campaign?: number | string }[] = [
    { scope: 'account', expected: expectedSummary(plan) },
    ...campaigns.map((c, i) => ({
      scope: `campaign ${c.id} (${plan.campaigns[i]?.joinMode ?? '?'})`,
      expected: expectedSummary(plan, i),
      campaign: c.id,
    })),
  ];
  // The product's projections may trail the acknowledged updates a little.
  const deadline = Date.now() + opts.settleMs;
  let comparisons: ScopeComparison[] = [];
  for (;;) {
    comparisons = await Promise.all(
      scopes.map(async (s) => {
        try {
          const actual = await product.summary({
            ...range,
            ...(s.campaign !== undefined ? { campaign: s.campaign } : {}),
          });
          return { scope: s.scope, expected: s.expected, actual };
        } catch (e) {
          return { scope: s.scope, expected: s.expected, actual: { error: (e as Error).message } };
        }
      }),
    );
    if (comparisons.every((c) => summariesMatch(c.expected, c.actual)) || Date.now() >= deadline) break;
    await sleep(500);
  }
  const matched = comparisons.every((c) => summariesMatch(c.expected, c.actual));
  const report = formatReport({
    planned: plannedActions(plan),
    performed: result.actions,
    comparisons,
    errors: result.errors.length,
  });
  return { report, matched, errors: result.errors.length };
}

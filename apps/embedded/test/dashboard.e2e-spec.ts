import fs from 'node:fs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import {
  expectCount,
  expectText,
  expectVisible,
  focusedName,
  horizontalOverflow,
  launchChromium,
  parseCsv,
  screenshot,
  shownText,
  storage,
  until,
  UI_TIMEOUT_MS,
} from './browser';
import { ADMIN, Api, lastInviteLink, startStack, type EmbeddedStack } from './harness';
import { Receiver } from './postbacks';

/**
 * The dashboard in headless Chromium against the embedded product and the fake Bot API: a new
 * user's first run, a bot, a campaign, traffic, and every page showing the API's own numbers.
 * The steps build on each other, as a user's session does.
 */

const TIME_ZONE = 'Asia/Tokyo'; // UTC+9 all year: calendar days visibly differ from UTC ones
const TZ_OFFSET_S = 9 * 3600;
const WIDE = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const TEST_MS = 180_000;

const COUNTERS = [
  'starts',
  'holds',
  'confirms',
  'cancels',
  'trashes',
  'cr',
  'organic_joins',
  'organic_leaves',
] as const;
const CSV_COLUMNS = [
  'id',
  'campaign',
  'subscriber',
  'username',
  'click',
  'status',
  'start_time',
  'join_time',
  'updated',
];
const MACROS = [
  '{click}',
  '{status}',
  '{campaign}',
  '{user}',
  '{lead}',
  '{subscriber}',
  '{username}',
  '{chat}',
  '{time}',
];

/** Nav link text → the route's hash and an element that shows the page has its data. */
const PAGES: { name: string; hash: string; file: string; ready: (p: Page) => Locator }[] = [
  { name: 'Overview', hash: '#/overview', file: 'overview', ready: (p) => p.getByTestId('counter-starts') },
  { name: 'Leads', hash: '#/leads', file: 'leads', ready: (p) => p.getByTestId('lead-row').first() },
  { name: 'Journal', hash: '#/journal', file: 'journal', ready: (p) => p.getByTestId('journal-row').first() },
  {
    name: 'Campaigns',
    hash: '#/campaigns',
    file: 'campaigns',
    ready: (p) => p.getByTestId('campaign-row').first(),
  },
  {
    name: 'Postbacks',
    hash: '#/postbacks',
    file: 'postbacks',
    ready: (p) => p.getByTestId('postback-row').first(),
  },
  { name: 'Bots and chats', hash: '#/bots', file: 'bots', ready: (p) => p.getByTestId('bot-row').first() },
  {
    name: 'Settings',
    hash: '#/settings',
    file: 'settings',
    ready: (p) => p.getByRole('button', { name: 'Rotate API key', exact: true }),
  },
];

describe('dashboard in a real browser', () => {
  let stack: EmbeddedStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const receiver = new Receiver();
  const pageErrors: string[] = [];

  // Filled in as the session goes on.
  let key = '';
  let api: Api;
  let bot: { id: number; token: string; username: string };
  let chat: { id: number; title: string };
  let campaign: { id: number; code: string; link: string; name: string };
  const clicks: Record<string, number> = {}; // click → subscriber

  const heading = (name: string): Locator => page.getByRole('heading', { level: 1, name, exact: true });
  const button = (name: string, within: Page | Locator = page): Locator =>
    within.getByRole('button', { name, exact: true });
  const field = (label: string, within: Page | Locator = page): Locator =>
    within.getByLabel(label, { exact: true });
  const alert = (): Locator => page.getByRole('alert');

  async function open(name: string): Promise<void> {
    await page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
    await expectVisible(heading(name));
  }

  /** Re-reads the page until `locator` shows up: for data the page loaded before it existed. */
  async function reloadUntilVisible(locator: Locator, what: string): Promise<void> {
    await until(
      what,
      async () => {
        if (await locator.isVisible()) return true;
        await page.reload();
        await locator.waitFor({ state: 'visible', timeout: 3_000 }).catch(() => undefined);
        return locator.isVisible();
      },
      (shown) => shown,
      60_000,
    );
  }

  /** Selects the option whose text contains `text`, once the select has it. */
  async function choose(select: Locator, text: string): Promise<void> {
    const options = select.locator('option');
    const labels = await until(
      `an option containing "${text}" in ${select}`,
      () => options.allTextContents(),
      (all) => all.some((o) => o.includes(text)),
    );
    const index = labels.findIndex((o) => o.includes(text));
    const value = await options.nth(index).getAttribute('value');
    await select.selectOption(value ?? { index });
  }

  /** Midnight starting calendar day `day` (YYYY-MM-DD) in the account's zone, in Unix seconds. */
  const dayStart = (day: string): number => Date.parse(`${day}T00:00:00Z`) / 1000 - TZ_OFFSET_S;

  beforeAll(async () => {
    stack = await startStack();
    await receiver.start();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: WIDE, timezoneId: TIME_ZONE, locale: 'en-US' });
    page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    page.on('pageerror', (e) => pageErrors.push(String(e)));
  }, TEST_MS);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await receiver.close();
  });

  it(
    'on an empty install, the first-run screen creates the account with the admin token and signs in',
    async () => {
      const setup = await new Api(stack).get('/api/setup.json');
      expect(setup.status).toBe(200);
      expect(setup.body.data.first_run).toBe(true);

      await page.goto(`${stack.url}/`);
      await expectVisible(heading('Create the first account'));
      const where: string = setup.body.data.admin_token_file ?? 'the ADMIN_TOKEN you configured';
      await expectVisible(page.getByText(where).first());
      expect(await field('Time zone').inputValue()).toBe(TIME_ZONE);
      await screenshot(page, 'first-run');

      // A wrong admin token: the API's own message, nothing created.
      const refused = await new Api(stack).post(
        '/api/admin/accounts/add.json',
        { name: 'x' },
        { 'x-admin-token': 'not-the-token' },
      );
      await field('Admin token').fill('not-the-token');
      await field('Account name').fill('Acme');
      await button('Create account').click();
      await expectVisible(alert().filter({ hasText: refused.body.message }));

      await field('Admin token').fill(ADMIN);
      await button('Create account').click();
      const keyField = field('Your API key');
      await expectVisible(keyField);
      key = await keyField.inputValue();
      expect(key).toMatch(/^\d+-\S+$/);
      expect(await keyField.getAttribute('readonly')).not.toBeNull();
      api = new Api(stack, key);
      expect((await api.ok('/api/account/info.json')).data).toMatchObject({
        name: 'Acme',
        timezone: TIME_ZONE,
      });

      await button('Continue to the dashboard').click();
      await expectVisible(heading('Overview'));
      await expectVisible(page.getByRole('navigation'));
      expect(page.url()).toMatch(/#\/overview$/);

      // The key lives in this browser session only.
      const stored = await storage(page);
      expect(stored.session).toContain(key);
      expect(stored.local).not.toContain(key);
      expect((await context.cookies()).map((c) => c.value).join(' ')).not.toContain(key);
      expect((await new Api(stack).ok('/api/setup.json')).data.first_run).toBe(false);
    },
    TEST_MS,
  );

  it(
    'signs out, refuses a wrong key with the API message, and signs in again with the key',
    async () => {
      await button('Sign out').click();
      await expectVisible(heading('Sign in'));
      expect(await page.getByRole('navigation').count()).toBe(0);
      expect((await storage(page)).session).not.toContain(key);

      const wrong = `${key.split('-')[0]}-wrong`;
      const refused = await new Api(stack, wrong).get('/api/account/info.json');
      expect(refused.status).toBe(401);
      await field('API key').fill(wrong);
      await button('Sign in').click();
      await expectVisible(alert().filter({ hasText: refused.body.message }));
      await screenshot(page, 'sign-in');

      await field('API key').fill(key);
      await button('Sign in').click();
      await expectVisible(heading('Overview'));
    },
    TEST_MS,
  );

  it(
    'adds a bot by its token and lists the chat it administers',
    async () => {
      const created = stack.telegram.fake.createBot({ username: 'acme_deals_bot' });
      await open('Bots and chats');
      await field('Bot token').fill(created.token);
      await button('Add bot').click();
      const botRow = page.getByTestId('bot-row').filter({ hasText: 'acme_deals_bot' });
      await expectVisible(botRow);
      const listed = (await api.ok('/api/bots/list.json')).data as { id: number; username: string }[];
      expect(listed.map((b) => b.username)).toEqual(['acme_deals_bot']);
      bot = { id: listed[0]!.id, token: created.token, username: 'acme_deals_bot' };
      expect(await botRow.innerText()).toContain(String(bot.id));

      // Telegram tells the product about the chat once the bot is made an administrator there.
      const made = stack.telegram.fake.createChat({ title: 'Acme Deals', type: 'supergroup' });
      stack.telegram.fake.addBotToChat(created, made, { admin: true });
      await stack.settled();
      chat = { id: made.id, title: 'Acme Deals' };
      const chatRow = page.getByTestId('chat-row').filter({ hasText: 'Acme Deals' });
      await reloadUntilVisible(chatRow, 'the chat row of "Acme Deals"');
      const text = await chatRow.innerText();
      expect(text).toContain(String(chat.id));
      expect(text).toContain('supergroup');
      expect(text).toMatch(/\bok\b/);
      await screenshot(page, 'bots');
    },
    TEST_MS,
  );

  it(
    'creates a campaign with postback templates through the form and shows its deep link',
    async () => {
      const template = `${receiver.base}/pb?l={lead}&s={status}&c={click}`;
      await open('Campaigns');
      await button('New campaign').click();
      await field('Name').fill('Spring ads');
      await choose(field('Bot'), bot.username);
      await choose(field('Chat'), chat.title);
      await field('Join mode').selectOption('request');
      await field('Welcome text').fill('Welcome to Acme Deals');
      await field('Postback URL (wait)').fill(template);
      await field('Postback URL (approve)').fill(template);
      for (const macro of MACROS) await expectVisible(page.getByText(macro, { exact: true }).first());
      // The preview renders the wait template with sample values: no macro is left in it.
      const preview = page.getByTestId('postback-preview');
      const rendered = await until(
        'the rendered wait URL in the preview',
        async () => (await preview.innerText()).trim(),
        (t) => t.startsWith(`${receiver.base}/pb?l=`) && t.includes('&s=wait&c=') && !t.includes('{'),
      );
      expect(rendered).not.toContain('}');
      await screenshot(page, 'campaign-form');
      await button('Save campaign').click();

      const row = page.getByTestId('campaign-row').filter({ hasText: 'Spring ads' });
      await expectVisible(row);
      const listed = (await api.ok('/api/campaigns/list.json')).data as any[];
      expect(listed).toHaveLength(1);
      const saved = listed[0];
      expect(saved).toMatchObject({
        name: 'Spring ads',
        bot: bot.id,
        chat: chat.id,
        join_mode: 'request',
        welcome: 'Welcome to Acme Deals',
        postbacks: { wait: template, approve: template },
        link: `https://t.me/${bot.username}?start=${saved.code}-{click}`,
      });
      campaign = { id: saved.id, code: saved.code, link: saved.link, name: 'Spring ads' };
      await expectVisible(row.getByText(campaign.link).first());
      await expectVisible(button('Copy link', row));
      await screenshot(page, 'campaigns');
    },
    TEST_MS,
  );

  it(
    'tracks traffic from the deep link: starts, join requests, approvals, a leave, a ban, organic members',
    async () => {
      const fake = stack.telegram.fake;
      // The product's clock is the stack's; move it to the wall clock the browser also uses.
      const now = Math.floor(Date.now() / 1000);
      stack.clock!.now = now;
      const step = async (at: number, action: () => unknown): Promise<void> => {
        fake.setTime(at);
        action();
        await stack.settled();
      };
      type User = ReturnType<typeof fake.createUser>;
      const user = (name: string): User =>
        fake.createUser({ first_name: name, username: `${name.toLowerCase()}_fan` });
      const [ann, ben, cat, dan, eve, olga, oscar] = ['Ann', 'Ben', 'Cat', 'Dan', 'Eve', 'Olga', 'Oscar'].map(
        user,
      ) as [User, User, User, User, User, User, User];
      const start = (u: { id: number }, click: string) => {
        if (click) clicks[click] = u.id;
        return fake.userStartsBot(u, bot.id, click ? `${campaign.code}-${click}` : campaign.code);
      };
      const request = (u: { id: number }) => fake.userRequestsJoin(u, chat.id, lastInviteLink(stack, u.id));

      // Yesterday and today, so the chart has more than one point.
      const t0 = now - 26 * 3600;
      await step(t0, () => start(ann, 'clk-alpha'));
      await step(t0 + 60, () => request(ann));
      await step(t0 + 120, () => fake.adminApprovesJoin(chat.id, ann));
      await step(t0 + 600, () => start(ben, 'clk-beta'));
      await step(t0 + 660, () => request(ben));
      const t1 = now - 3 * 3600;
      await step(t1, () => start(cat, 'clk-gamma'));
      await step(t1 + 60, () => request(cat));
      await step(t1 + 120, () => fake.adminApprovesJoin(chat.id, cat));
      await step(t1 + 1800, () => fake.userLeaves(cat, chat.id));
      await step(t1 + 2400, () => start(dan, 'clk-delta'));
      await step(t1 + 2460, () => request(dan));
      await step(t1 + 2520, () => fake.adminBans(chat.id, dan));
      await step(t1 + 3000, () => start(eve, ''));
      await step(t1 + 3600, () => fake.userJoins(olga, chat.id));
      await step(t1 + 4200, () => fake.userLeaves(olga, chat.id));
      await step(t1 + 4800, () => fake.userJoins(oscar, chat.id));

      const leads = await api.ok('/api/leads/list.json');
      expect(leads.total).toBe(5);
      // A wait postback per start, an approve per approval; the leave and ban have no template.
      const byClick = (c: string) => leads.data.find((l: { click: string }) => l.click === c).id;
      const expected = [
        ...['clk-alpha', 'clk-beta', 'clk-gamma', 'clk-delta'].map((c) => `${byClick(c)}/wait/${c}`),
        `${byClick('')}/wait/`,
        `${byClick('clk-alpha')}/approve/clk-alpha`,
        `${byClick('clk-gamma')}/approve/clk-gamma`,
      ].sort();
      const arrived = await until(
        'the postbacks of the traffic at the receiver',
        async () => receiver.delivered().sort(),
        (keys) => keys.length >= expected.length,
        60_000,
      );
      expect(arrived).toEqual(expected);
    },
    TEST_MS,
  );

  it(
    "Overview shows the API's summary for the chosen range, the daily chart and the campaign's funnel",
    async () => {
      const zoneDay = () => new Date(Date.now() + TZ_OFFSET_S * 1000).toISOString().slice(0, 10);
      const dayBefore = zoneDay();
      await open('Overview');
      const from = await field('From').inputValue();
      const to = await field('To').inputValue();
      expect(from).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(to).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      // Last 30 days including today, in the account's zone (either day, should midnight pass meanwhile).
      expect([dayBefore, zoneDay()]).toContain(to);
      expect((dayStart(to) - dayStart(from)) / 86_400).toBe(29);
      const range = { from: dayStart(from), to: dayStart(to) + 86_399 };

      const summary = (await api.ok('/api/stats/summary.json', range)).data;
      expect(summary.starts).toBe(5); // the traffic is in range: a test that cannot pass on zeros
      for (const name of COUNTERS)
        await expectText(page.getByTestId(`counter-${name}`), String(summary[name]));

      // The chart is drawn: a canvas or SVG with an area, beside the same numbers as a table.
      const chart = page.getByTestId('series-chart');
      await expectVisible(chart);
      const drawn = chart.locator('canvas, svg').first();
      await expectVisible(drawn);
      const box = await drawn.boundingBox();
      expect(box!.width).toBeGreaterThan(100);
      expect(box!.height).toBeGreaterThan(50);

      // The funnel row of the campaign: its summary's numbers in funnel order.
      const own = (await api.ok('/api/stats/summary.json', { ...range, campaign: campaign.id })).data;
      const funnel = page.getByTestId('funnel');
      const steps = [own.starts, own.holds, own.confirms, own.cancels, own.trashes];
      await until(
        `the funnel row of "${campaign.name}" to read ${steps.join(' → ')}`,
        async () => funnel.innerText(),
        (text) => isSubsequence(steps, numbersAfter(text, campaign.name)),
      );
      await screenshot(page, 'overview');

      // One campaign chosen: its summary's numbers.
      await choose(field('Campaign'), campaign.name);
      for (const name of COUNTERS) await expectText(page.getByTestId(`counter-${name}`), String(own[name]));
    },
    TEST_MS,
  );

  it(
    "Leads finds a lead by its click, and Export CSV downloads the API's leads with the current filters",
    async () => {
      await open('Leads');
      const all = await api.ok('/api/leads/list.json', { limit: 200 });
      await expectCount(page.getByTestId('lead-row'), all.total);
      await expectText(page.getByTestId('page-info'), `1–${all.total} of ${all.total}`);

      const gamma = all.data.find((l: { click: string }) => l.click === 'clk-gamma');
      expect(gamma).toMatchObject({ status: 3, subscriber: clicks['clk-gamma'] });
      const row = page.getByTestId('lead-row').filter({ hasText: 'clk-gamma' });
      await expectCount(row, 1);
      const text = await row.innerText();
      for (const shown of [String(gamma.id), String(gamma.subscriber), 'cat_fan', 'cancel', gamma.start_time])
        expect(text).toContain(shown);
      expect(gamma.postback).toMatchObject({ status: 'approve', state: 'delivered' });
      expect(text).toMatch(/\bdelivered\b/);
      await screenshot(page, 'leads');

      const exported = await downloadCsv();
      expect(exported[0]).toEqual(CSV_COLUMNS);
      expect(exported.slice(1).sort(byFirst)).toEqual(csvRows(all.data).sort(byFirst));

      // Filtered by status: the export follows the filter.
      await choose(field('Status'), 'hold');
      const holds = await api.ok('/api/leads/list.json', { status: 1 });
      expect(holds.total).toBe(1);
      await expectCount(page.getByTestId('lead-row'), 1);
      const filtered = await downloadCsv();
      expect(filtered.slice(1)).toEqual(csvRows(holds.data));
    },
    TEST_MS,
  );

  async function downloadCsv(): Promise<string[][]> {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV', exact: true }).click(),
    ]);
    const file = await download.path();
    return parseCsv(fs.readFileSync(file, 'utf8')).filter((r) => r.some((c) => c !== ''));
  }

  it(
    'Journal marks paid and organic rows apart, as the API does',
    async () => {
      await open('Journal');
      const journal = await api.ok('/api/journal/list.json', { limit: 200 });
      const rows = page.getByTestId('journal-row');
      await expectCount(rows, journal.total);
      const paid = journal.data.filter((r: { paid: number }) => r.paid === 1).length;
      expect(paid).toBeGreaterThan(0);
      expect(journal.total - paid).toBe(3); // Olga joins and leaves, Oscar joins
      const marked = (kind: string) => rows.filter({ has: page.getByText(kind, { exact: true }) });
      await expectCount(marked('paid'), paid);
      await expectCount(marked('organic'), journal.total - paid);
      await screenshot(page, 'journal');
    },
    TEST_MS,
  );

  it(
    "Campaigns sends a test postback and shows the receiver's answer, or the API's refusal",
    async () => {
      await open('Campaigns');
      const row = page.getByTestId('campaign-row').filter({ hasText: campaign.name });
      const result = row.getByTestId('test-postback-result');
      const before = receiver.requests.length;
      await field('Test status', row).selectOption('approve');
      await button('Send test postback', row).click();
      await until(
        'the test postback result to show the receiver status 200',
        async () => (await result.innerText()).trim(),
        (t) => /\b200\b/.test(t),
      );
      expect(await result.getAttribute('role')).toBe('status');
      await until(
        'the test postback at the receiver',
        async () => receiver.requests.length,
        (n) => n === before + 1,
      );
      const got = receiver.requests.at(-1)!;
      expect(got.url.pathname).toBe('/pb');
      expect(got.url.searchParams.get('s')).toBe('approve');

      // No hold template: the API's 400 message, and nothing reaches the receiver.
      const refused = await api.post('/api/postbacks/test.json', { campaign: campaign.id, status: 'hold' });
      expect(refused.status).toBe(400);
      await field('Test status', row).selectOption('hold');
      await button('Send test postback', row).click();
      await until(
        "the test postback result to show the API's message",
        async () => (await result.innerText()).trim(),
        (t) => t.includes(refused.body.message),
      );
      expect(receiver.requests.length).toBe(before + 1);
    },
    TEST_MS,
  );

  it(
    'Postbacks lists deliveries and re-sends one to the receiver',
    async () => {
      await open('Postbacks');
      const log = await api.ok('/api/postbacks/list.json', { limit: 200 });
      expect(log.total).toBeGreaterThanOrEqual(7);
      const rows = page.getByTestId('postback-row');
      await expectCount(rows, Math.min(log.total, 50));
      const row = rows
        .filter({ hasText: 'c=clk-alpha' })
        .filter({ has: page.getByText('approve', { exact: true }) });
      await expectCount(row, 1);
      await expectVisible(row.getByText('delivered').first());
      await screenshot(page, 'postbacks');

      const key = (r: { url: URL }) => `${r.url.searchParams.get('s')}/${r.url.searchParams.get('c')}`;
      const sent = () => receiver.requests.filter((r) => key(r) === 'approve/clk-alpha').length;
      const before = sent();
      expect(before).toBe(1);
      await button('Re-send', row).click();
      await expectVisible(row.getByText('pending', { exact: true }));
      await until(
        'the re-sent approve postback at the receiver',
        async () => sent(),
        (n) => n === before + 1,
        60_000,
      );
      const delivery = log.data.find(
        (d: { status: number; url: string }) => d.status === 2 && d.url.includes('c=clk-alpha'),
      );
      await until(
        'the re-sent delivery delivered again in the API',
        async () =>
          (await api.ok('/api/postbacks/list.json', { limit: 200 })).data.find(
            (d: { id: unknown }) => d.id === delivery.id,
          ),
        (d) => d.state === 'delivered' && d.attempts > delivery.attempts,
      );
    },
    TEST_MS,
  );

  it(
    'Settings shows the account read-only and rotates the key; a tab still on the old key is signed out',
    async () => {
      // A second tab signed in with the current key, before it is rotated.
      const otherTab = await browser.newContext({ viewport: WIDE, timezoneId: TIME_ZONE, locale: 'en-US' });
      try {
        const tab = await otherTab.newPage();
        tab.setDefaultTimeout(UI_TIMEOUT_MS);
        tab.on('pageerror', (e) => pageErrors.push(String(e)));
        await tab.goto(`${stack.url}/`);
        await field('API key', tab).fill(key);
        await button('Sign in', tab).click();
        await expectVisible(tab.getByRole('heading', { level: 1, name: 'Overview', exact: true }));

        await open('Settings');
        const info = (await api.ok('/api/account/info.json')).data;
        // Shown as text or as fields; none of them editable.
        await until(
          'the account id, name and time zone on the page',
          () => shownText(page),
          (text) =>
            [info.name, info.timezone].every((v) => text.includes(v)) &&
            new RegExp(`\\b${info.id}\\b`).test(text),
        );
        const editable = page.locator('main input:not([readonly]):not([disabled])');
        for (let i = 0; i < (await editable.count()); i++)
          expect([String(info.id), info.name, info.timezone]).not.toContain(
            await editable.nth(i).inputValue(),
          );
        await screenshot(page, 'settings');

        await button('Rotate API key').click();
        const shown = field('New API key');
        await expectVisible(shown);
        const rotated = await shown.inputValue();
        expect(rotated).toMatch(/^\d+-\S+$/);
        expect(rotated).not.toBe(key);
        expect(await shown.getAttribute('readonly')).not.toBeNull();
        expect((await new Api(stack, key).get('/api/account/info.json')).status).toBe(401);
        const old = key;
        key = rotated;
        api = new Api(stack, key);
        expect((await api.ok('/api/account/info.json')).data.id).toBe(info.id);

        // This tab goes on with the new key.
        expect((await storage(page)).session).toContain(rotated);
        expect((await storage(page)).session).not.toContain(old);
        await open('Overview');
        await expectText(page.getByTestId('counter-starts'), '5');

        // The other tab's next API answer is a 401, which signs it out.
        await tab.getByRole('navigation').getByRole('link', { name: 'Leads', exact: true }).click();
        await expectVisible(tab.getByRole('heading', { level: 1, name: 'Sign in', exact: true }));
        expect((await storage(tab)).session).not.toContain(old);
      } finally {
        await otherTab.close();
      }
    },
    TEST_MS,
  );

  it(
    'at 390 px every page is reachable from the nav and nothing scrolls sideways',
    async () => {
      await page.setViewportSize(PHONE);
      for (const p of PAGES) {
        await open(p.name);
        expect(page.url()).toContain(p.hash);
        await expectVisible(p.ready(page));
        const overflow = await horizontalOverflow(page);
        expect({ page: p.name, overflow }).toEqual({ page: p.name, overflow: 0 });
        await screenshot(page, p.file);
      }
      await page.setViewportSize(WIDE);
    },
    TEST_MS,
  );

  it(
    'signs in with the keyboard alone: Tab to the key, type it, Tab to the button, Enter',
    async () => {
      const fresh = await browser.newContext({ viewport: PHONE, timezoneId: TIME_ZONE, locale: 'en-US' });
      try {
        const kb = await fresh.newPage();
        kb.setDefaultTimeout(UI_TIMEOUT_MS);
        kb.on('pageerror', (e) => pageErrors.push(String(e)));
        await kb.goto(`${stack.url}/`);
        await expectVisible(kb.getByRole('heading', { level: 1, name: 'Sign in', exact: true }));
        expect(await horizontalOverflow(kb)).toBe(0);
        await screenshot(kb, 'sign-in');

        const tabTo = async (name: string): Promise<void> => {
          await until(
            `Tab to reach "${name}"`,
            async () => {
              await kb.keyboard.press('Tab');
              return focusedName(kb);
            },
            (focused) => focused === name,
            15_000,
          );
        };
        await tabTo('API key');
        await kb.keyboard.type(key);
        await tabTo('Sign in');
        await kb.keyboard.press('Enter');
        await expectVisible(kb.getByRole('heading', { level: 1, name: 'Overview', exact: true }));
        await expectVisible(kb.getByRole('navigation'));
      } finally {
        await fresh.close();
      }
    },
    TEST_MS,
  );

  it('ran without an uncaught error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});

/** The lead rows as the CSV export writes them. */
function csvRows(leads: Record<string, unknown>[]): string[][] {
  return leads.map((l) => CSV_COLUMNS.map((c) => String(l[c])));
}

const byFirst = (a: string[], b: string[]): number => Number(a[0]) - Number(b[0]);

/** The integers of `text` after the first occurrence of `label`. */
function numbersAfter(text: string, label: string): number[] {
  const at = text.indexOf(label);
  if (at < 0) return [];
  return (text.slice(at + label.length).match(/\d+(?:\.\d+)?/g) ?? []).map(Number);
}

/** Whether `wanted` appears in `seen` in order, other numbers (such as rates) allowed between. */
function isSubsequence(wanted: number[], seen: number[]): boolean {
  let i = 0;
  for (const n of seen) if (i < wanted.length && n === wanted[i]) i++;
  return i === wanted.length;
}

// A deliberately small stand-in for the product, for the simulator's own tests: the management
// endpoints it calls, a polling bot per registered token, and the lead state machine of SPEC §4.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from '@subtrack/telegram-fake';

interface Lead {
  campaignId: number;
  userId: number;
  status: number;
  reached: Set<number>;
  links: Set<string>;
}

export interface StubProduct {
  url: string;
  apiKey: string;
  close(): Promise<void>;
}

export async function startStubProduct(telegramUrl: string, adminToken: string): Promise<StubProduct> {
  const apiKey = '1-stubsecret';
  const bots = new Map<number, { token: string; username: string }>();
  const chats = new Map<number, { id: number; chat_id: number; title: string; bot: number }>();
  const campaigns = new Map<
    string,
    { id: number; joinMode: string; chat: number; bot: number; welcome: string }
  >();
  const leads: Lead[] = [];
  const organic = { joins: 0, leaves: 0 };
  let stopped = false;
  const loops: Promise<void>[] = [];

  const api = async (token: string, method: string, params: Record<string, unknown>): Promise<any> => {
    const res = await fetch(`${telegramUrl}/bot${token}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
    });
    const body = (await res.json()) as { ok: boolean; result?: unknown; description?: string };
    if (!body.ok) throw new Error(`${method}: ${body.description}`);
    return body.result;
  };

  const setStatus = (lead: Lead, status: number): void => {
    lead.status = status;
    lead.reached.add(status);
  };
  const leadFor = (userId: number, telegramChatId: number, link?: string): Lead | undefined => {
    const chatId = chats.get(telegramChatId)?.id;
    const onChat = leads.filter(
      (l) =>
        l.userId === userId &&
        [...campaigns.values()].some((c) => c.id === l.campaignId && c.chat === chatId),
    );
    return onChat.find((l) => link !== undefined && l.links.has(link)) ?? onChat.at(-1);
  };

  const handle = async (token: string, botId: number, u: Update): Promise<void> => {
    if (u.my_chat_member && u.my_chat_member.new_chat_member.status === 'administrator') {
      const c = u.my_chat_member.chat;
      chats.set(c.id, { id: chats.size + 1, chat_id: c.id, title: c.title ?? '', bot: botId });
    }
    if (u.message?.text?.startsWith('/start')) {
      const payload = u.message.text.slice(7);
      const code = payload.split('-')[0] ?? '';
      const campaign = campaigns.get(code);
      if (!campaign) return;
      const userId = u.message.chat.id;
      let lead = leads.find((l) => l.userId === userId && l.campaignId === campaign.id);
      if (!lead) {
        lead = { campaignId: campaign.id, userId, status: 0, reached: new Set([0]), links: new Set() };
        leads.push(lead);
      }
      const tgChat = [...chats.values()].find((c) => c.id === campaign.chat)?.chat_id;
      const link = await api(token, 'createChatInviteLink', {
        chat_id: tgChat,
        creates_join_request: campaign.joinMode === 'request',
        name: `lead ${leads.indexOf(lead)}`,
      });
      lead.links.add(link.invite_link);
      await api(token, 'sendMessage', {
        chat_id: userId,
        text: campaign.welcome,
        reply_markup: { inline_keyboard: [[{ text: 'Join', url: link.invite_link }]] },
      });
    }
    if (u.chat_join_request) {
      const r = u.chat_join_request;
      const lead = leadFor(r.from.id, r.chat.id, r.invite_link?.invite_link);
      if (lead && lead.status === 0) setStatus(lead, 1);
    }
    if (u.chat_member) {
      const m = u.chat_member;
      const was = ['member', 'administrator', 'creator'].includes(m.old_chat_member.status);
      const is = ['member', 'administrator', 'creator'].includes(m.new_chat_member.status);
      const lead = leadFor(m.new_chat_member.user.id, m.chat.id, m.invite_link?.invite_link);
      if (!was && is) {
        if (lead) {
          if (lead.status !== 2) setStatus(lead, 2);
        } else organic.joins++;
      } else if (was && !is) {
        const voluntary = m.new_chat_member.status === 'left' && m.from.id === m.new_chat_member.user.id;
        if (lead) {
          if (voluntary && lead.status === 2) setStatus(lead, 3);
          else if (!voluntary && [1, 2, 3].includes(lead.status)) setStatus(lead, 4);
        } else organic.leaves++;
      }
    }
  };

  const poll = async (token: string, botId: number): Promise<void> => {
    let offset = 0;
    while (!stopped) {
      let updates: Update[];
      try {
        updates = await api(token, 'getUpdates', {
          offset,
          timeout: 1,
          allowed_updates: ['message', 'chat_member', 'chat_join_request', 'my_chat_member'],
        });
      } catch {
        if (stopped) return;
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      for (const u of updates) {
        await handle(token, botId, u);
        offset = u.update_id + 1;
      }
    }
  };

  const summary = (campaignId?: number) => {
    const mine = leads.filter((l) => campaignId === undefined || l.campaignId === campaignId);
    const n = (s: number) => mine.filter((l) => l.reached.has(s)).length;
    const starts = n(0);
    const confirms = n(2);
    return {
      starts,
      holds: n(1),
      confirms,
      cancels: n(3),
      trashes: n(4),
      cr: starts === 0 ? 0 : Math.round((confirms / starts) * 1000) / 10,
      organic_joins: organic.joins,
      organic_leaves: organic.leaves,
    };
  };

  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://stub');
        const body = raw ? (JSON.parse(raw) as Record<string, any>) : {};
        const ok = (data: unknown) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: 'ok', data }));
        };
        const fail = (status: number, error: string) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: 'error', error, message: error }));
        };
        if (url.pathname === '/api/admin/accounts/add.json') {
          return req.headers['x-admin-token'] === adminToken
            ? ok({ id: 1, api_key: apiKey })
            : fail(401, 'key');
        }
        if (req.headers.authorization !== `Bearer ${apiKey}`) return fail(401, 'key');
        switch (url.pathname) {
          case '/api/bots/add.json': {
            const me = await api(body.token, 'getMe', {});
            bots.set(me.id, { token: body.token, username: me.username });
            loops.push(poll(body.token, me.id));
            return ok({ id: me.id, username: me.username });
          }
          case '/api/chats/list.json':
            return ok([...chats.values()].filter((c) => c.bot === Number(url.searchParams.get('bot'))));
          case '/api/campaigns/add.json': {
            const id = campaigns.size + 1;
            const code = `C${id}X`;
            campaigns.set(code, {
              id,
              joinMode: body.join_mode,
              chat: body.chat,
              bot: body.bot,
              welcome: body.welcome ?? 'hi',
            });
            return ok({
              id,
              code,
              link: `https://t.me/${bots.get(body.bot)?.username}?start=${code}-{click}`,
            });
          }
          case '/api/stats/summary.json': {
            const c = url.searchParams.get('campaign');
            return ok(summary(c === null ? undefined : Number(c)));
          }
          default:
            return fail(404, 'notfound');
        }
      })().catch((e: unknown) => {
        res.writeHead(500);
        res.end(JSON.stringify({ status: 'error', error: 'db', message: String(e) }));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    apiKey,
    close: async () => {
      stopped = true;
      await Promise.all(loops);
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

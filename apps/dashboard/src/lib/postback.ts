import type { MACROS as API_MACROS } from '@subtrack/api-contract';
import { renderTemplate, type MacroValues } from '@subtrack/domain';

export { renderTemplate, type MacroValues };

type MacroName = (typeof API_MACROS)[number];

// Keyed by the API's own macro list: a macro added there fails this file's type check until it is
// explained here.
const ABOUT: Record<MacroName, string> = {
  click: 'the click id of the ad',
  status: 'wait, hold, approve, cancel or trash',
  campaign: 'the campaign code',
  user: 'your account id',
  lead: 'the lead id, the receiver’s dedupe key',
  subscriber: 'the Telegram user id',
  username: 'the Telegram username, empty when none',
  chat: 'the chat id',
  time: 'Unix seconds of the status change',
};

/** The postback URL macros, as the sender expands them; shown beside the template fields. */
export const MACROS = (Object.keys(ABOUT) as MacroName[]).map((name) => ({ name, about: ABOUT[name] }));

/**
 * Values a preview fills in: plausible, and with characters that show the URL-encoding. The
 * preview renders with the sender's own function, so it shows what a receiver would get.
 */
export function sampleValues(campaignCode: string, account: number): MacroValues {
  return {
    click: 'abc 123&x',
    status: 'wait',
    campaign: campaignCode || 'CODE',
    user: account,
    lead: 1001,
    subscriber: 9876543210,
    username: 'alice',
    chat: -1001234567890,
    time: 1779271200,
  };
}

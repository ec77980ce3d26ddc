/** The postback URL macros, as the sender expands them; shown beside the template fields. */
export const MACROS = [
  { name: 'click', about: 'the click id of the ad' },
  { name: 'status', about: 'wait, hold, approve, cancel or trash' },
  { name: 'campaign', about: 'the campaign code' },
  { name: 'user', about: 'your account id' },
  { name: 'lead', about: 'the lead id, the receiver’s dedupe key' },
  { name: 'subscriber', about: 'the Telegram user id' },
  { name: 'username', about: 'the Telegram username, empty when none' },
  { name: 'chat', about: 'the chat id' },
  { name: 'time', about: 'Unix seconds of the status change' },
] as const;

export type MacroName = (typeof MACROS)[number]['name'];
export type MacroValues = Record<MacroName, string>;

/** Values a preview fills in: plausible, and with characters that show the URL-encoding. */
export function sampleValues(campaignCode: string, account: number): MacroValues {
  return {
    click: 'abc 123&x',
    status: 'wait',
    campaign: campaignCode || 'CODE',
    user: String(account),
    lead: '1001',
    subscriber: '9876543210',
    username: 'alice',
    chat: '-1001234567890',
    time: '1779271200',
  };
}

/** The template with known macros URL-encoded in, unknown ones left as they are. */
export function renderTemplate(template: string, values: MacroValues): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? encodeURIComponent(values[name as MacroName]) : whole,
  );
}

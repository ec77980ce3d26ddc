/** What a `/start` deep-link payload says (SPEC §3): `<CODE>-<click>` or `<CODE>`. */
export interface StartPayload {
  code: string;
  click: string;
}

// Telegram allows 1-64 characters of A-Za-z0-9_- in a start parameter.
const PAYLOAD = /^[A-Za-z0-9_-]{1,64}$/;

export function parseStartPayload(payload: string): StartPayload {
  if (!PAYLOAD.test(payload)) return { code: '', click: '' };
  const dash = payload.indexOf('-');
  return dash < 0
    ? { code: payload, click: '' }
    : { code: payload.slice(0, dash), click: payload.slice(dash + 1) };
}

const START = /^\/start(?:@[A-Za-z0-9_]+)?(?:\s+(\S*))?\s*$/;

/** The payload of a `/start` command text, or null when the text is not a /start command. */
export function startCommandPayload(text: string): string | null {
  const match = START.exec(text);
  return match ? (match[1] ?? '') : null;
}

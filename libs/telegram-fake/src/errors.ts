/** An error answered to a Bot API caller as `{"ok":false,"error_code",...}`. */
export class TelegramApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
    this.name = 'TelegramApiError';
  }

  toJSON(): Record<string, unknown> {
    const body: Record<string, unknown> = {
      ok: false,
      error_code: this.errorCode,
      description: this.description,
    };
    if (this.parameters) body.parameters = this.parameters;
    return body;
  }
}

export const badRequest = (what: string): TelegramApiError =>
  new TelegramApiError(400, `Bad Request: ${what}`);
export const forbidden = (what: string): TelegramApiError => new TelegramApiError(403, `Forbidden: ${what}`);
export const unauthorized = (): TelegramApiError => new TelegramApiError(401, 'Unauthorized');
export const notFound = (): TelegramApiError => new TelegramApiError(404, 'Not Found');

/**
 * A scenario step that cannot happen in real Telegram (joining a chat one is banned from, using a
 * revoked link…). Thrown to the test or driver, never sent to the product.
 */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

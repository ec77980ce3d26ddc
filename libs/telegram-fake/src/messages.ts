import type { Message } from './types';

/** URLs of the inline keyboard buttons of a message, in order (where bots put invite links). */
export function inviteLinkButtons(message: Message): string[] {
  const rows = message.reply_markup?.inline_keyboard ?? [];
  const urls: string[] = [];
  for (const row of rows) for (const button of row) if (typeof button.url === 'string') urls.push(button.url);
  return urls;
}

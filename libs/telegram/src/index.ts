export { TelegramClients, ALLOWED_UPDATES, type BotApiObserver } from './telegram-clients';

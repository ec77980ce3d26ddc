export { TelegramClients, ALLOWED_UPDATES } from './telegram-clients';

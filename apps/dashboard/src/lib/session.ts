/** The API key of this browser tab: sessionStorage only, gone when the tab closes. */
const KEY = 'subtrack.apiKey';

export const session = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (key: string): void => sessionStorage.setItem(KEY, key),
  clear: (): void => sessionStorage.removeItem(KEY),
};

import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** Debian's chromium package; `scripts/chromium.sh` installs it (CI runs it before the tests). */
export const CHROMIUM = '/usr/bin/chromium';

/** Where the suite's screenshots go (git-ignored, like every other test output under .cache). */
export const SCREENSHOTS = path.join(__dirname, '../../../.cache/test-output/dashboard');

/**
 * How long a condition on the page may take to hold. Generous: the browser, the product and the
 * fake Bot API share two cores with a Kafka broker and FerretDB started for the other suites.
 */
export const UI_TIMEOUT_MS = 30_000;

/** Headless Chromium. A missing binary is a failure naming it, never a skipped suite. */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing: ${CHROMIUM} does not exist. Install it with \`bash scripts/chromium.sh\` ` +
        '(apt-get install -y chromium, as root).',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true });
}

/**
 * Polls `probe` until `done` accepts its value; on timeout, fails naming `what` and the last value
 * seen, so a mismatch reads as "expected X, the page showed Y".
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = UI_TIMEOUT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let error: unknown;
  for (;;) {
    try {
      last = await probe();
      error = undefined;
      if (done(last)) return last;
    } catch (e) {
      error = e;
    }
    if (Date.now() > deadline) {
      const seen = error ? `error: ${(error as Error).message}` : `last seen: ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${seen}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

const normalize = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** Waits until the element's visible text is exactly `expected` (whitespace collapsed). */
export async function expectText(locator: Locator, expected: string, what?: string): Promise<void> {
  await until(
    what ?? `${locator} to read ${JSON.stringify(expected)}`,
    async () => normalize(await locator.innerText({ timeout: 2_000 })),
    (text) => text === expected,
  );
}

/** Waits until the element is visible. */
export async function expectVisible(locator: Locator, timeout = UI_TIMEOUT_MS): Promise<void> {
  await locator.waitFor({ state: 'visible', timeout });
}

/** Waits until the element is attached and visible `count` times. */
export async function expectCount(locator: Locator, count: number, what?: string): Promise<void> {
  await until(
    what ?? `${count} of ${locator}`,
    () => locator.count(),
    (n) => n === count,
  );
}

/** Writes `<name>-<viewport width>.png` under SCREENSHOTS. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
}

/**
 * The few browser globals the page-side callbacks below read. The test type check runs without the
 * DOM library (the suites are Node code), so they are named here; the callbacks run in the page.
 */
interface PageElement {
  innerText: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  labels?: ArrayLike<PageElement> | null;
}
interface PageGlobals {
  document: {
    documentElement: { scrollWidth: number; clientWidth: number };
    body: PageElement & { scrollWidth: number };
    activeElement: PageElement | null;
    querySelectorAll(selector: 'input'): ArrayLike<{ value: string }>;
  };
  sessionStorage: object;
  localStorage: object;
}
/** How far the page body is wider than the viewport (0: no horizontal scrolling). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as PageGlobals;
    const doc = document.documentElement;
    return Math.max(doc.scrollWidth, document.body.scrollWidth) - doc.clientWidth;
  });
}

/** The label of the focused form control, or the text of the focused button or link. */
export async function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as PageGlobals;
    const el = document.activeElement;
    if (!el || el === document.body) return '';
    const labelled = el.getAttribute('aria-label');
    if (labelled) return labelled.trim();
    const label = el.labels?.[0];
    if (label) return (label.innerText || label.textContent || '').trim();
    return (el.innerText || el.textContent || '').trim();
  });
}

/** What the page shows: its text and the values of its fields (read-only ones included). */
export async function shownText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as PageGlobals;
    return [document.body.innerText, ...Array.from(document.querySelectorAll('input'), (i) => i.value)].join(
      '\n',
    );
  });
}

/** Everything the page keeps in sessionStorage and in localStorage, serialized. */
export async function storage(page: Page): Promise<{ session: string; local: string }> {
  return page.evaluate(() => {
    const { sessionStorage, localStorage } = globalThis as unknown as PageGlobals;
    return { session: JSON.stringify(sessionStorage), local: JSON.stringify(localStorage) };
  });
}

/** RFC 4180 CSV (quoted cells, doubled quotes, CRLF or LF line ends) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) rows.push([...row, cell]);
  return rows;
}

/** Rows a list page asks for. */
export const PAGE_SIZE = 50;

/** "1–50 of 123": the rows on screen and the API's total. */
export function pageInfo(offset: number, rows: number, total: number): string {
  if (rows === 0) return `0 of ${total}`;
  return `${offset + 1}–${offset + rows} of ${total}`;
}

export const hasNextPage = (offset: number, rows: number, total: number): boolean => offset + rows < total;

import { hasNextPage, pageInfo } from './paging';

describe('list paging text', () => {
  it('names the rows shown and the total', () => {
    expect(pageInfo(0, 50, 123)).toBe('1–50 of 123');
    expect(pageInfo(100, 23, 123)).toBe('101–123 of 123');
    expect(pageInfo(0, 0, 0)).toBe('0 of 0');
  });

  it('offers a next page only while rows remain', () => {
    expect(hasNextPage(0, 50, 123)).toBe(true);
    expect(hasNextPage(100, 23, 123)).toBe(false);
  });
});

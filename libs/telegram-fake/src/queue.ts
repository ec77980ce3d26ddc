import type { Update } from './types';

/** FIFO of pending updates; a head index keeps shift O(1) for large benchmark queues. */
export class UpdateQueue {
  private items: Update[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(update: Update): void {
    this.items.push(update);
  }

  peek(): Update | undefined {
    return this.items[this.head];
  }

  shift(): Update | undefined {
    const item = this.items[this.head];
    if (item === undefined) return undefined;
    this.head++;
    this.compact();
    return item;
  }

  /** Confirms (forgets) every update whose id is below `offset`, as getUpdates does. */
  confirmBelow(offset: number): void {
    while (this.head < this.items.length && (this.items[this.head] as Update).update_id < offset) {
      this.head++;
    }
    this.compact();
  }

  /** Keeps only the last `count` updates (getUpdates with a negative offset). */
  keepLast(count: number): void {
    this.head = Math.max(this.head, this.items.length - count);
    this.compact();
  }

  take(limit: number): Update[] {
    return this.items.slice(this.head, this.head + limit);
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

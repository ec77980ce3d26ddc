/**
 * The fake's notion of "now" (Unix seconds). Real time by default; tests pin or shift it so that
 * events land on chosen days.
 */
export class Clock {
  private fixed: number | null = null;
  private offsetMs = 0;

  now(): number {
    if (this.fixed !== null) return this.fixed;
    return Math.floor((Date.now() + this.offsetMs) / 1000);
  }

  /** Frozen at `unixSeconds` unless `ticking`, in which case time runs on from there. */
  set(unixSeconds: number, opts: { ticking?: boolean } = {}): void {
    if (!Number.isFinite(unixSeconds)) throw new RangeError('time must be a number of seconds');
    const whole = Math.floor(unixSeconds);
    if (opts.ticking) {
      this.fixed = null;
      this.offsetMs = whole * 1000 - Date.now();
    } else {
      this.fixed = whole;
    }
  }

  advance(seconds: number): void {
    if (!Number.isFinite(seconds)) throw new RangeError('seconds must be a number');
    if (this.fixed !== null) this.fixed += Math.floor(seconds);
    else this.offsetMs += Math.floor(seconds) * 1000;
  }

  reset(): void {
    this.fixed = null;
    this.offsetMs = 0;
  }

  get frozen(): boolean {
    return this.fixed !== null;
  }
}

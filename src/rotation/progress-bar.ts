/**
 * A one-line progress bar for long runs (rotate, inventory), drawn on stderr only when it is a
 * terminal: in CI logs and pipes, carriage-return redraws are noise, and stdout stays the result.
 */
export class ProgressBar {
  private readonly enabled: boolean;
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly stream: Pick<NodeJS.WriteStream, 'isTTY' | 'columns' | 'write'>,
    private readonly label: string,
    options: { force?: boolean } = {},
  ) {
    this.enabled = options.force ?? stream.isTTY === true;
  }

  /** `total` undefined draws a counter (inventory does not know how many secrets there are). */
  update(done: number, total: number | undefined, note = ''): void {
    if (!this.enabled) return;
    const now = Date.now();
    // ~10 redraws a second is smooth enough and keeps a fast run from being terminal-bound.
    if (now - this.lastDraw < 100 && done !== total) return;
    this.lastDraw = now;
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - 50));
    let line: string;
    if (total !== undefined && total > 0) {
      const filled = Math.round((done / total) * width);
      line = `${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
    } else {
      line = `${this.label} ${done}`;
    }
    if (note) line += ` ${note}`;
    const max = (this.stream.columns ?? 80) - 1;
    this.stream.write(`\r${line.length > max ? line.slice(0, max) : line}\u001b[K`);
    this.drawn = true;
  }

  /** Clears the line so whatever is printed next starts clean. */
  finish(): void {
    if (this.enabled && this.drawn) this.stream.write('\r\u001b[K');
    this.drawn = false;
  }
}

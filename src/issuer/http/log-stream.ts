import { writeSync } from 'node:fs';

/**
 * Where the server's JSON log lines go: a file descriptor (stdout by default), written in batches.
 * One write system call per request line costs more than the rest of the logging, so lines are
 * collected and written every `intervalMs` or every `maxBytes`, whichever comes first. What is
 * still buffered is written synchronously when the process exits, so only a hard kill can lose
 * the last fraction of a second of lines.
 */
export class BufferedLogStream {
  private chunks: string[] = [];
  private bytes = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly onExit = () => this.flush();

  constructor(
    private readonly fd = 1,
    private readonly options: { intervalMs?: number; maxBytes?: number } = {},
  ) {
    this.timer = setInterval(() => this.flush(), options.intervalMs ?? 100);
    this.timer.unref();
    process.on('exit', this.onExit);
  }

  write(chunk: string): boolean {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    if (this.bytes >= (this.options.maxBytes ?? 64 * 1024)) this.flush();
    return true;
  }

  flush(): void {
    if (this.chunks.length === 0) return;
    const text = this.chunks.join('');
    this.chunks = [];
    this.bytes = 0;
    try {
      writeSync(this.fd, text);
    } catch {
      // a closed or full stdout must not take the issuer down with it
    }
  }

  /** pino calls this on fatal errors before exiting. */
  flushSync(): void {
    this.flush();
  }

  close(): void {
    clearInterval(this.timer);
    process.off('exit', this.onExit);
    this.flush();
  }
}

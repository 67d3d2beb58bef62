/**
 * A request's time limit, ended as soon as the request is. Not `AbortSignal.timeout`: Node
 * registers each of those signals in a FinalizationRegistry and keeps its timer for the full
 * limit, so in a bulk look-up every request left a signal and a timer behind that survived
 * young-generation collections (see src/issuer-client/node-fetch.ts); this timer is cleared, and
 * the controller dies with the request.
 */
export class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number) {
    this.timer = setTimeout(() => {
      this.controller.abort(new DOMException(`No answer within ${ms} ms.`, 'TimeoutError'));
    }, ms);
    // A pending limit must not keep the process alive on its own.
    this.timer.unref();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

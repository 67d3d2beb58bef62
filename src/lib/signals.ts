/**
 * Ctrl-C or SIGTERM (a CI job cancelled, a deploy stopping the pod): the first one stops the run
 * gracefully, so no credential is left half-rotated; the second exits at once (128 + signal).
 */
export function stopOnSignals(onFirst: () => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(signal === 'SIGINT' ? 130 : 143);
    controller.abort();
    onFirst();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** Waits, if needed, so that the next `seconds` stay inside one clock minute (and hour). */
export async function awayFromWindowEdge(seconds: number): Promise<void> {
  const now = new Date();
  const left = 60 - now.getUTCSeconds() - now.getUTCMilliseconds() / 1000;
  if (left < seconds) await new Promise((r) => setTimeout(r, (left + 0.2) * 1000));
}

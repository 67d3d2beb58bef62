/**
 * Last line of defence for messages that quote a server (Vault's `errors`, Doppler's `messages`):
 * anything secret we know of is cut out, and the quote is bounded. Messages are composed by the
 * adapters; this only guards the parts that came from elsewhere.
 */
export function redact(text: string, secrets: readonly (string | undefined)[], maxLength = 300): string {
  let out = text;
  for (const secret of secrets) {
    if (secret !== undefined && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out.length > maxLength ? `${out.slice(0, maxLength)}…` : out;
}

/** Server-supplied message list as one quoted sentence, or '' when there is none. */
export function quoteServerMessages(messages: unknown, secrets: readonly (string | undefined)[]): string {
  if (!Array.isArray(messages)) return '';
  const texts = messages.filter((m): m is string => typeof m === 'string' && m.trim() !== '');
  if (texts.length === 0) return '';
  return ` (server said: ${redact(texts.join('; '), secrets)})`;
}

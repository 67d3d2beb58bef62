/**
 * Last line of defence for messages that quote a server (Vault's `errors`, Doppler's `messages`):
 * anything secret we know of is cut out, and the quote is bounded. Messages are composed by the
 * adapters; this only guards the parts that came from elsewhere.
 */
export function redact(text: string, secrets: readonly (string | undefined)[], maxLength = 300): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === undefined || secret === '') continue;
    // A server echoing a JSON request quotes it escaped (`\"`, `\\`, `\u…`), so both forms go.
    // A value this short would cut ordinary words apart, so only its quoted JSON form is cut.
    const quoted = JSON.stringify(secret);
    const forms = secret.length < 4 ? [quoted] : [quoted.slice(1, -1), secret];
    for (const form of forms) out = out.split(form).join(secret.length < 4 ? '"[redacted]"' : '[redacted]');
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

// adapters/internal/redact.ts
function redact(text, secrets, maxLength = 300) {
  let out = text;
  for (const secret of secrets) {
    if (secret !== void 0 && secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  return out.length > maxLength ? `${out.slice(0, maxLength)}\u2026` : out;
}
function quoteServerMessages(messages, secrets) {
  if (!Array.isArray(messages)) return "";
  const texts = messages.filter((m) => typeof m === "string" && m.trim() !== "");
  if (texts.length === 0) return "";
  return ` (server said: ${redact(texts.join("; "), secrets)})`;
}

export {
  redact,
  quoteServerMessages
};

// adapters/internal/redact.ts
function redact(text, secrets, maxLength = 300) {
  let out = text;
  for (const secret of secrets) {
    if (secret === void 0 || secret === "") continue;
    const quoted = JSON.stringify(secret);
    const forms = secret.length < 4 ? [quoted] : [quoted.slice(1, -1), secret];
    for (const form of forms) out = out.split(form).join(secret.length < 4 ? '"[redacted]"' : "[redacted]");
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

/**
 * Expiry reminders as an iCalendar file (RFC 5545): one event at each certificate's expiry and one
 * at its `rotate_by`, each with alarms 30 and 7 days before. Written by hand because the subset
 * needed is a few lines of text; what matters is getting those lines exactly right (CRLF, folding
 * at 75 octets, TEXT escaping), which the tests check with a real parser.
 *
 * Only public data goes in: certificate ids and URLs, labels and store URIs (never a credential).
 */

/** One certificate to remind of. Dates are ISO 8601 strings, as in certificates and reports. */
export interface ReminderRow {
  id: string;
  certUrl: string;
  expiresAt: string;
  rotateBy?: string | undefined;
  label?: string | undefined;
  /** Where the credential is stored; several when one certificate went to several stores. */
  store?: string | readonly string[] | undefined;
  /** The systems the credential is rotated on (display forms), as the stores recorded them. */
  target?: readonly string[] | undefined;
  standard?: string | undefined;
}

export const ALARM_DAYS_BEFORE = [30, 7] as const;

/**
 * The same certificate and event kind always get the same UID, so importing a newer file (or
 * refreshing a subscription) updates the event instead of adding a second one.
 */
export function reminderUid(certId: string, kind: 'expiry' | 'rotate-by'): string {
  return `${certId}-${kind}@passgeni`;
}

export function calendarBegin(): string {
  return lines([
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//PassGeni//Certificate reminders//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText('PassGeni certificate reminders')}`,
  ]);
}

export function calendarEnd(): string {
  return lines(['END:VCALENDAR']);
}

/**
 * The VEVENTs of one certificate: its expiry, and its rotate_by when it has one. A row whose dates
 * do not parse yields nothing rather than an event on a made-up day.
 */
export function reminderEvents(row: ReminderRow, stamp: Date): string {
  const expires = parseDate(row.expiresAt);
  if (expires === undefined) return '';
  const subject = subjectOf(row);
  const stores = row.store === undefined ? [] : typeof row.store === 'string' ? [row.store] : [...row.store];
  const facts = [
    ...(row.standard ? [`Standard: ${row.standard}`] : []),
    ...(row.label ? [`Label: ${row.label}`] : []),
    ...stores.map((s) => `Stored in: ${s}`),
    ...(row.target ?? []).map((t) => `Rotated on: ${t}`),
    `Certificate: ${row.certUrl}`,
    `Certificate id: ${row.id}`,
  ];
  let text = event({
    uid: reminderUid(row.id, 'expiry'),
    stamp,
    at: expires,
    summary: `PassGeni certificate expires: ${subject}`,
    description: [
      `The compliance certificate for ${subject} expires on ${expires.toISOString()}.`,
      'Rotate the credential and re-certify it before then (passgeni rotate).',
      '',
      ...facts,
    ].join('\n'),
    url: row.certUrl,
  });
  const rotateBy = row.rotateBy === undefined ? undefined : parseDate(row.rotateBy);
  if (rotateBy !== undefined) {
    text += event({
      uid: reminderUid(row.id, 'rotate-by'),
      stamp,
      at: rotateBy,
      summary: `PassGeni credential due for rotation: ${subject}`,
      description: [
        `The standard asks for the credential ${subject} to be rotated by ${rotateBy.toISOString()}.`,
        'Rotate it and re-certify (passgeni rotate).',
        '',
        ...facts,
      ].join('\n'),
      url: row.certUrl,
    });
  }
  return text;
}

/** A whole calendar, for callers that have their rows at hand (e.g. `certificates list`). */
export function remindersCalendar(rows: Iterable<ReminderRow>, now: Date = new Date()): string {
  let text = calendarBegin();
  for (const row of rows) text += reminderEvents(row, now);
  return text + calendarEnd();
}

function subjectOf(row: ReminderRow): string {
  if (row.label) return row.label;
  const first = typeof row.store === 'string' ? row.store : row.store?.[0];
  return first ?? row.id;
}

function event(e: {
  uid: string;
  stamp: Date;
  at: Date;
  summary: string;
  description: string;
  url: string;
}): string {
  const alarms = ALARM_DAYS_BEFORE.flatMap((days) => [
    'BEGIN:VALARM',
    'ACTION:DISPLAY',
    `TRIGGER:-P${days}D`,
    `DESCRIPTION:${escapeText(`In ${days} days: ${e.summary}`)}`,
    'END:VALARM',
  ]);
  return lines([
    'BEGIN:VEVENT',
    `UID:${escapeText(e.uid)}`,
    `DTSTAMP:${utcDateTime(e.stamp)}`,
    `DTSTART:${utcDateTime(e.at)}`,
    // A reminder, not a meeting: it must not show the day as busy.
    'TRANSP:TRANSPARENT',
    `SUMMARY:${escapeText(e.summary)}`,
    `DESCRIPTION:${escapeText(e.description)}`,
    // URI values are not TEXT (no escaping), but a URL with a control character is not one.
    ...(/^[^\s\p{Cc}]+$/u.test(e.url) ? [`URL:${e.url}`] : []),
    ...alarms,
    'END:VEVENT',
  ]);
}

function parseDate(iso: string): Date | undefined {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

/** RFC 5545 §3.3.5 form 2, UTC: 20270101T093000Z. */
export function utcDateTime(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/**
 * RFC 5545 §3.3.11: backslash, semicolon and comma are escaped, a line break becomes `\n`. Other
 * control characters are not allowed in TEXT at all; a store key may hold one, so it becomes a
 * space rather than an invalid file.
 */
export function escapeText(text: string): string {
  return text
    .replace(/[\\;,]/g, (c) => `\\${c}`)
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(/[\p{Cc}]/gu, (c) => (c === '\t' ? c : ' '));
}

/**
 * Content lines end in CRLF and are folded so no line exceeds 75 octets (RFC 5545 §3.1): a fold
 * is CRLF plus one space, never inside a UTF-8 sequence, so a label in any script stays intact.
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    // continuation lines begin with the folding space, which counts toward their 75 octets
    const limit = parts.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

function lines(contentLines: string[]): string {
  return contentLines.map((l) => `${foldLine(l)}\r\n`).join('');
}

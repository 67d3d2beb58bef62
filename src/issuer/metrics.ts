/**
 * A small Prometheus registry (text exposition format 0.0.4). Counters and histograms live in this
 * process: Prometheus scrapes every replica and sums them. Gauges that describe shared state
 * (flagged teams, published keys) are read from the database at scrape time, so each replica
 * reports the same value for them.
 */
type Labels = Record<string, string>;

/** A label set's rendering, `{a="x",b="y"}` with names sorted: also the key of its series. */
function labelKey(labels: Labels): string {
  return renderLabels(Object.keys(labels).sort(), labels);
}

function renderLabels(names: string[], labels: Labels): string {
  if (names.length === 0) return '';
  return `{${names.map((n) => `${n}="${escapeLabel(labels[n] ?? '')}"`).join(',')}}`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatNumber(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return Number.isNaN(value) ? 'NaN' : String(value);
}

/** Counters and gauges: one number per label set. */
class Series {
  protected readonly values = new Map<string, number>();

  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly type: 'counter' | 'gauge',
  ) {}

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    // an unlabelled counter is shown from the start, so a scrape before the first event sees 0
    if (this.values.size === 0 && this.type === 'counter') lines.push(`${this.name} 0`);
    for (const [key, value] of this.values) lines.push(`${this.name}${key} ${formatNumber(value)}`);
    return lines.join('\n');
  }
}

export class Counter extends Series {
  constructor(name: string, help: string) {
    super(name, help, 'counter');
  }

  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }
}

export class Histogram {
  private readonly series = new Map<
    string,
    { labels: Labels; counts: number[]; sum: number; count: number }
  >();

  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly buckets: readonly number[],
  ) {}

  observe(labels: Labels, value: number): void {
    const key = labelKey(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= (this.buckets[i] as number)) s.counts[i] = (s.counts[i] ?? 0) + 1;
    }
    s.sum += value;
    s.count += 1;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      this.buckets.forEach((bound, i) => {
        lines.push(
          `${this.name}_bucket${labelKey({ ...s.labels, le: formatNumber(bound) })} ${s.counts[i] ?? 0}`,
        );
      });
      lines.push(`${this.name}_bucket${labelKey({ ...s.labels, le: '+Inf' })} ${s.count}`);
      lines.push(`${this.name}_sum${labelKey(s.labels)} ${formatNumber(s.sum)}`);
      lines.push(`${this.name}_count${labelKey(s.labels)} ${s.count}`);
    }
    return lines.join('\n');
  }
}

export class Gauge extends Series {
  constructor(name: string, help: string) {
    super(name, help, 'gauge');
  }

  set(labels: Labels, value: number): void {
    this.values.set(labelKey(labels), value);
  }
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Every metric the issuer exports; docs/operations.md explains each one. */
export class IssuerMetrics {
  readonly info = new Gauge(
    'passgeni_issuer_info',
    'Constant 1, labelled with the version, database backend and signing kid.',
  );
  readonly httpRequests = new Counter(
    'passgeni_http_requests_total',
    'HTTP requests by route, method and status.',
  );
  readonly httpDuration = new Histogram(
    'passgeni_http_request_duration_seconds',
    'Time from receiving a request to sending the response, by route.',
    LATENCY_BUCKETS,
  );
  readonly sessionsCreated = new Counter(
    'passgeni_sessions_created_total',
    'Generation sessions created, by standard.',
  );
  readonly sessionsRejected = new Counter(
    'passgeni_sessions_rejected_total',
    'Session requests refused after authentication, by error code.',
  );
  readonly certificatesIssued = new Counter(
    'passgeni_certificates_issued_total',
    'Certificates signed and stored, by standard.',
  );
  readonly certificatesRejected = new Counter(
    'passgeni_certificates_rejected_total',
    'Certificate requests refused after authentication, by error code.',
  );
  readonly certificatesRevoked = new Counter(
    'passgeni_certificates_revoked_total',
    'Certificates revoked, by reason.',
  );
  readonly certificatesActivated = new Counter(
    'passgeni_certificates_activated_total',
    'Pending certificates activated (a store holds the credential).',
  );
  readonly certificatesExpiredPending = new Counter(
    'passgeni_certificates_expired_pending_total',
    'Pending certificates revoked (not-stored) because nobody activated them in time, by who noticed (activate or sweep).',
  );
  readonly idempotentReplays = new Counter(
    'passgeni_certificate_idempotent_replays_total',
    'Certificate requests answered with the certificate an earlier request with the same Idempotency-Key obtained.',
  );
  readonly certificatesPending = new Gauge(
    'passgeni_certificates_pending',
    'Certificates issued and neither activated nor revoked yet (all replicas).',
  );
  readonly certificateViews = new Counter(
    'passgeni_certificate_views_total',
    'Certificate status look-ups (public page, JSON and API), by whether the certificate exists.',
  );
  readonly rateLimited = new Counter(
    'passgeni_rate_limited_total',
    'Requests refused with 429, by the limit that refused them.',
  );
  readonly authFailures = new Counter(
    'passgeni_auth_failures_total',
    'Requests refused with 401 (missing, unknown or revoked API key).',
  );
  readonly teamsFlaggedTotal = new Counter(
    'passgeni_teams_flagged_total',
    'Times this replica flagged a team for issuing more than the threshold within the window.',
  );
  readonly teamsFlagged = new Gauge(
    'passgeni_teams_flagged',
    'Teams flagged within the last flag window (from the database).',
  );
  readonly signingKeys = new Gauge(
    'passgeni_signing_keys',
    'Public keys published in the JWKS (from the database).',
  );
  readonly databaseUp = new Gauge(
    'passgeni_database_up',
    '1 when the last database read for these metrics succeeded.',
  );

  /** Every metric, in the order declared above. */
  render(): string {
    const all = Object.values(this).filter((m) => m instanceof Series || m instanceof Histogram);
    return `${all.map((m: Series | Histogram) => m.render()).join('\n')}\n`;
  }
}

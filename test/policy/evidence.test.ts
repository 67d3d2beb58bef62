import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCertificate } from '../../src/certificate/index.js';
import type { CertificateClaimsV2 } from '../../src/certificate/index.js';
import type { Database, Issuer } from '../../src/issuer/index.js';
import { CREDENTIAL_KINDS, STANDARDS, getStandard, resolvePolicy } from '../../src/policy/index.js';
import type { CredentialKind, GenerationParams, StandardId } from '../../src/policy/index.js';
import { freshDatabase, type TestDatabase } from '../issuer/support/backends.js';
import {
  SOURCE,
  rejection,
  strongParams,
  testClock,
  testIssuer,
  uniqueTeam,
} from '../issuer/support/fixtures.js';

/**
 * Evidence: for every standard and kind of credential, the clauses the table cites (with a link
 * to the final text) are the ones that govern that kind, the rendered docs show them, and the
 * issuer's standards_met and rotate_by follow them. EXPECTED is written from the texts, by hand,
 * not from the table.
 */
type Period = number | 'risk-analysis';
interface Expected {
  basis: 'clause' | 'product-baseline';
  /** Days a clause sets (0: none), or the user's risk analysis. */
  period: Period;
  /** Clause numbers that must be cited for this kind. */
  cites: string[];
  /** Clause numbers that must NOT be cited for this kind (they govern the other one). */
  notCites?: string[];
}

const EXPECTED: Record<StandardId, { url: string; service: Expected; user: Expected }> = {
  'NIST-800-63B': {
    url: 'https://doi.org/10.6028/NIST.SP.800-63B-4',
    user: { basis: 'clause', period: 0, cites: ['§3.1.1.2'] },
    service: { basis: 'product-baseline', period: 0, cites: [] },
  },
  HIPAA: {
    url: 'https://www.ecfr.gov/current/title-45/',
    user: { basis: 'product-baseline', period: 0, cites: ['164.308(a)(5)(ii)(D)', '164.312(d)'] },
    service: { basis: 'product-baseline', period: 0, cites: ['164.312(d)'] },
  },
  'PCI-DSS': {
    url: 'https://docs-prv.pcisecuritystandards.org/',
    user: { basis: 'clause', period: 90, cites: ['8.3.6', '8.3.9'], notCites: ['8.6.3'] },
    service: {
      basis: 'clause',
      period: 'risk-analysis',
      cites: ['8.6.2', '8.6.3', '12.3.1'],
      notCites: ['8.3.9'],
    },
  },
  SOC2: {
    url: 'https://www.aicpa-cima.com/',
    user: { basis: 'product-baseline', period: 0, cites: ['CC6.1'] },
    service: { basis: 'product-baseline', period: 0, cites: ['CC6.1'] },
  },
  'ISO-27001': {
    url: 'https://www.iso.org/standard/27001',
    user: { basis: 'product-baseline', period: 0, cites: ['Annex A control 5.17'] },
    service: { basis: 'product-baseline', period: 0, cites: ['Annex A control 5.17'] },
  },
  'FIPS-140-3': {
    url: 'https://doi.org/10.6028/NIST.FIPS.140-3',
    user: { basis: 'product-baseline', period: 0, cites: ['FIPS 140-3'] },
    service: { basis: 'product-baseline', period: 0, cites: ['FIPS 140-3'] },
  },
  'DOD-STIG': {
    url: 'https://public.cyber.mil/stigs/',
    user: {
      basis: 'clause',
      period: 60,
      cites: ['V-258107', 'V-258114 (RHEL-09-611125)', 'V-258113 (RHEL-09-611120)', 'V-258041'],
      notCites: ['V-222536'],
    },
    service: {
      basis: 'clause',
      period: 60,
      cites: ['V-222536 (APSC-DV-001680)', 'V-222540', 'V-222545 (APSC-DV-001770)'],
      notCites: ['V-258114', 'V-258113'],
    },
  },
  'CMMC-L2': {
    url: 'https://doi.org/10.6028/NIST.SP.800-171r2',
    user: { basis: 'product-baseline', period: 0, cites: ['3.5.7'] },
    service: { basis: 'product-baseline', period: 0, cites: ['3.5.7'] },
  },
};

const CASES = STANDARDS.flatMap((rule) => CREDENTIAL_KINDS.map((kind) => [rule.id, kind] as const));
const docs = readFileSync(new URL('../../docs/standards.md', import.meta.url), 'utf8');

describe('the table cites, per kind, the clauses that govern it', () => {
  it.each(CASES)('%s, %s credentials', (id, kind) => {
    const rule = getStandard(id);
    const expected = EXPECTED[id][kind];
    const kindRule = rule.kinds[kind];
    expect(kindRule.basis).toBe(expected.basis);
    if (expected.basis === 'product-baseline') expect(kindRule.governs).toMatch(/^Product baseline/);
    expect(kindRule.rotationDays).toBe(typeof expected.period === 'number' ? expected.period : 0);
    expect(kindRule.rotationFromRiskAnalysis === true).toBe(expected.period === 'risk-analysis');
    const cited = kindRule.citations.map((c) => c.clause).join('\n');
    for (const clause of expected.cites) expect(cited).toContain(clause);
    for (const clause of expected.notCites ?? []) expect(cited).not.toContain(clause);
    if (expected.basis === 'clause') expect(kindRule.citations.length).toBeGreaterThan(0);
    // every citation is a final text with its link, and the rendered docs show clause and link
    for (const citation of [...kindRule.citations, ...rule.basis.sources]) {
      expect(citation.url).toMatch(/^https:\/\/[^\s)]+$/);
      expect(`${citation.clause} ${citation.says} ${citation.url}`).not.toMatch(
        /draft|OWASP|github\.com|secondary|HITRUST/i,
      );
      expect(docs).toContain(`[${citation.clause}](${citation.url})`);
    }
    expect(
      kindRule.citations.some((c) => c.url.startsWith(EXPECTED[id].url)) || expected.cites.length === 0,
    ).toBe(true);
    expect(rule.basis.sources.some((c) => c.url.startsWith(EXPECTED[id].url))).toBe(true);
  });

  it('cites the final SP 800-63B-4 (August 2025), never a draft', () => {
    const nist = getStandard('NIST-800-63B');
    expect(nist.kinds.user.citations[0]?.clause).toMatch(
      /NIST SP 800-63B-4 \(final, August 2025\) §3\.1\.1\.2/,
    );
    expect(docs).not.toMatch(/OWASP|third public draft|July 2025/);
  });
});

describe('the issuer computes standards_met and rotate_by from the table', () => {
  let tdb: TestDatabase;
  let issuer: Issuer;
  let caller: { apiKey: string; ip: null };
  const GENERATED_AT = '2030-01-15T10:00:00.000Z';
  const FIPS = {
    ...SOURCE,
    fips_mode: true,
    fips_provider: { name: 'OpenSSL FIPS Provider', version: '3.0.9', source: 'openssl list -providers' },
  };

  beforeAll(async () => {
    tdb = await freshDatabase('pglite');
    issuer = await testIssuer(tdb.db as Database, { clock: testClock(GENERATED_AT) });
    const { key } = await issuer.createApiKey({ team: uniqueTeam('evidence') });
    caller = { apiKey: key, ip: null };
  });
  afterAll(async () => {
    await issuer?.close();
    await tdb?.drop();
  });

  async function certify(
    standard: StandardId,
    kind: CredentialKind | undefined,
    options: { params?: GenerationParams; rotateEveryDays?: number } = {},
  ) {
    const source = standard === 'FIPS-140-3' ? FIPS : SOURCE;
    const params =
      options.params ?? resolvePolicy({ standard, randomSource: source, ...(kind && { kind }) }).params;
    const session = await issuer.createSession(caller, {
      standard,
      ...(kind && { credential_kind: kind }),
      ...(options.rotateEveryDays !== undefined && { rotate_every_days: options.rotateEveryDays }),
      generation_params: params,
      entropy_source: source,
    });
    const cert = await issuer.issueCertificate(caller, {
      generation_session_id: session.generation_session_id,
      generated_at: GENERATED_AT,
    });
    return decodeCertificate(cert.certificate).claims as CertificateClaimsV2;
  }

  const plusDays = (days: number) => new Date(Date.parse(GENERATED_AT) + days * 86_400_000).toISOString();

  it.each(CASES.filter(([id]) => getStandard(id).certifiable))(
    '%s, %s: rotate_by only where a clause sets a period, and standards_met keeps every period',
    async (id, kind) => {
      const claims = await certify(id, kind);
      expect(claims.credential_kind).toBe(kind);
      const period = EXPECTED[id][kind].period;
      if (typeof period === 'number' && period > 0) {
        expect(claims.rotate_by).toBe(plusDays(period));
        expect(claims.rotation_basis).toBe('clause');
      } else {
        expect(claims.rotate_by).toBeUndefined();
        expect(claims.rotation_basis).toBeUndefined();
      }
      expect(claims.standards_met).toContain(id);
      const days = typeof period === 'number' ? period : 0;
      for (const other of claims.standards_met) {
        const theirs = EXPECTED[other][kind].period;
        // a standard with a period for this kind is listed only when the certificate keeps it
        if (typeof theirs === 'number' && theirs > 0) expect(days > 0 && days <= theirs, other).toBe(true);
      }
    },
  );

  it('PCI DSS service credentials: no rotate_by without a risk analysis, the user period with one', async () => {
    const without = await certify('PCI-DSS', 'service');
    expect(without.rotate_by).toBeUndefined();
    const withPeriod = await certify('PCI-DSS', 'service', { rotateEveryDays: 30 });
    expect(withPeriod.rotate_by).toBe(plusDays(30));
    expect(withPeriod.rotation_basis).toBe('risk-analysis');
    // a long period is the risk analysis' call for a service credential
    const yearly = await certify('PCI-DSS', 'service', { rotateEveryDays: 365 });
    expect(yearly.rotate_by).toBe(plusDays(365));
    expect(yearly.standards_met).toContain('PCI-DSS');
  });

  it('PCI DSS user passwords: 90 days (8.3.9), shorter on request, never longer', async () => {
    const shorter = await certify('PCI-DSS', 'user', { rotateEveryDays: 30 });
    expect(shorter.rotate_by).toBe(plusDays(30));
    expect(shorter.rotation_basis).toBe('risk-analysis');
    const refused = await rejection(certify('PCI-DSS', 'user', { rotateEveryDays: 120 }));
    expect(refused.code).toBe('ROTATION_PERIOD_TOO_LONG');
    expect(refused.message).toMatch(/90 days or fewer/);
  });

  it('the default kind is service', async () => {
    const claims = await certify('HIPAA', undefined);
    expect(claims.credential_kind).toBe('service');
    // HIPAA service: PCI's period is the risk analysis (listed); the STIG's 60 days are not kept
    expect(claims.standards_met).toContain('PCI-DSS');
    expect(claims.standards_met).not.toContain('DOD-STIG');
    const user = await certify('HIPAA', 'user');
    expect(user.standards_met).not.toContain('PCI-DSS');
  });

  it('DOD-STIG: the RHEL 9 run limits govern user passwords only', async () => {
    const unlimited = strongParams();
    const refused = await rejection(certify('DOD-STIG', 'user', { params: unlimited }));
    expect(refused.code).toBe('POLICY_VIOLATION');
    expect(refused.message).toMatch(/at most 3 identical characters/);
    // a service credential answers to the ASD STIG's application rules, which set no run limits
    const service = await certify('DOD-STIG', 'service', { params: unlimited });
    expect(service.standards_met).toContain('DOD-STIG');
    expect(service.rotate_by).toBe(plusDays(60));
    const user = await certify('DOD-STIG', 'user');
    expect(user.generation_params.max_repeat).toBe(3);
    expect(user.generation_params.max_class_repeat).toBe(4);
    expect(user.standards_met).toContain('DOD-STIG');
  });

  it('refuses an unknown kind with a clear message', async () => {
    const refused = await rejection(
      issuer.createSession(caller, {
        standard: 'HIPAA',
        credential_kind: 'robot' as CredentialKind,
        generation_params: strongParams(),
        entropy_source: SOURCE,
      }),
    );
    expect(refused.code).toBe('INVALID_REQUEST');
    expect(refused.message).toMatch(/credential_kind: must be service or user/);
  });
});

import type { Citation, KindRule, StandardRule } from './types.js';

/**
 * The standards table. Every number is either a clause of the framework (basis.kind 'clause') or
 * our own baseline where the framework sets none ('product-baseline'), and then the text says
 * what it is benchmarked to. Each standard says, per kind of credential (service or user), which
 * clauses govern it and the rotation they set: a clause written for people's logins is not
 * cited for a database password. Every citation is a final, published text with its link (no
 * drafts, no secondary sources). Research and disagreements: docs/standards.md.
 *
 * Entropy floors are set to what the minimum length actually yields, so the minimum length is
 * always achievable: 15 characters over all 94 printable ASCII with every class present give
 * 97.99 bits exactly; 12 letters-and-digits give 71.25; 20 characters over 94 give 130.92.
 */

const NIST_URL = 'https://doi.org/10.6028/NIST.SP.800-63B-4';
const NIST = 'NIST SP 800-63B-4 (final, August 2025)';
const PCI_URL = 'https://docs-prv.pcisecuritystandards.org/PCI%20DSS/Standard/PCI-DSS-v4_0_1.pdf';
const PCI = 'PCI DSS v4.0.1 (June 2024) Requirement';
const HIPAA_308_URL =
  'https://www.ecfr.gov/current/title-45/subtitle-A/subchapter-C/part-164/subpart-C/section-164.308';
const HIPAA_312_URL =
  'https://www.ecfr.gov/current/title-45/subtitle-A/subchapter-C/part-164/subpart-C/section-164.312';
const ISO_27001_URL = 'https://www.iso.org/standard/27001';
const ISO_27002_URL = 'https://www.iso.org/standard/75652.html';
const TSC_URL =
  'https://www.aicpa-cima.com/resources/download/2017-trust-services-criteria-with-revised-points-of-focus-2022';
/** DISA's STIG library, where the RHEL 9 STIG and the ASD STIG are published. */
const STIG_URL = 'https://public.cyber.mil/stigs/downloads/';
const RHEL9 = 'RHEL 9 STIG';
const ASD = 'Application Security and Development (ASD) STIG';

const NIST_PASSWORD_VERIFIERS: Citation = {
  clause: `${NIST} §3.1.1.2 Password Verifiers`,
  says: 'a password used as a single-factor authenticator SHALL be at least 15 characters (8 within multi-factor authentication); no composition rules; no periodic change; change on evidence of compromise; the whole password is checked against a blocklist',
  url: NIST_URL,
};
const NIST_RBG: Citation = {
  clause: `${NIST} §3.2.12 Random Values`,
  says: 'random values come from an approved random bit generator with at least 112 bits of security strength',
  url: NIST_URL,
};

/** The benchmark a product baseline borrows its numbers from; it does not govern the credential. */
const benchmark = (citation: Citation, why: string): Citation => ({
  ...citation,
  says: `${why} (the benchmark; it does not govern this credential)`,
});

/** One set of clauses for both kinds: the framework does not tell them apart. */
const bothKinds = (rule: KindRule): Record<'service' | 'user', KindRule> => ({ service: rule, user: rule });

export const NIST_800_63B: StandardRule = {
  id: 'NIST-800-63B',
  name: 'NIST SP 800-63B-4',
  certifiable: true,
  minLength: 15,
  defaultLength: 20,
  requiredClasses: [],
  minEntropyBits: 80,
  aliases: [
    'nist',
    '800-63b',
    'nist 800-63b',
    'sp 800-63b',
    'nist sp 800-63b',
    'nist 800-63b-4',
    '800-63b-4',
  ],
  basis: {
    kind: 'clause',
    length:
      'NIST SP 800-63B-4 §3.1.1.2: a password used as a single-factor authenticator SHALL be at least 15 characters (8 only when used within multi-factor authentication).',
    classes:
      'NIST SP 800-63B-4 §3.1.1.2: verifiers and CSPs SHALL NOT impose composition rules, so no class is required; all four are included by default and cost under a bit at this length.',
    entropy:
      'Product baseline: NIST sets no entropy figure for passwords (the 112-bit figure in §3.2.12 is the security strength of the random bit generator). 80 bits sits below what 15 random printable-ASCII characters yield (97.99 bits).',
    sources: [
      NIST_PASSWORD_VERIFIERS,
      {
        clause: `${NIST} §3.1.1.1 Password Authenticators`,
        says: 'passwords are chosen by the subscriber or assigned randomly by the CSP',
        url: NIST_URL,
      },
      NIST_RBG,
    ],
  },
  kinds: {
    user: {
      basis: 'clause',
      governs:
        'NIST SP 800-63B-4 §3.1.1 governs passwords a subscriber (a person) authenticates with: these are its rules.',
      rotationDays: 0,
      rotation:
        'NIST SP 800-63B-4 §3.1.1.2: verifiers SHALL NOT require periodic change, and SHALL force a change on evidence of compromise.',
      citations: [NIST_PASSWORD_VERIFIERS],
    },
    service: {
      basis: 'product-baseline',
      governs:
        'Product baseline: SP 800-63B-4 governs people (subscribers) authenticating to a service, not the credentials services use; for a service credential its numbers are a benchmark, not a requirement.',
      rotationDays: 0,
      rotation:
        'Product baseline: change on evidence of compromise, or at the period your own policy sets (--rotate-every-days).',
      citations: [benchmark(NIST_PASSWORD_VERIFIERS, '15-character minimum, no composition rules')],
    },
  },
};

const HIPAA_PASSWORD_MANAGEMENT: Citation = {
  clause: '45 CFR 164.308(a)(5)(ii)(D) Password management',
  says: 'procedures for creating, changing, and safeguarding passwords (an addressable implementation specification of security awareness and training; no number)',
  url: HIPAA_308_URL,
};
const HIPAA_AUTHENTICATION: Citation = {
  clause: '45 CFR 164.312(d) Person or entity authentication',
  says: 'verify that a person or entity seeking access to ePHI is the one claimed (no number)',
  url: HIPAA_312_URL,
};

export const HIPAA: StandardRule = {
  id: 'HIPAA',
  name: 'HIPAA Security Rule',
  certifiable: true,
  minLength: 15,
  defaultLength: 20,
  requiredClasses: ['upper', 'lower', 'digit', 'special'],
  minEntropyBits: 90,
  aliases: ['hipaa', 'hipaa security rule', '45 cfr 164'],
  basis: {
    kind: 'product-baseline',
    length:
      'Product baseline: 45 CFR 164.308(a)(5)(ii)(D) requires "procedures for creating, changing, and safeguarding passwords" and sets no length; 15 is benchmarked to NIST SP 800-63B-4\'s single-factor minimum.',
    classes:
      'Product baseline: HIPAA sets no composition rule; all four classes are required as a strong default that common verifier policies accept.',
    entropy:
      'Product baseline: HIPAA sets no entropy figure; 90 bits sits below what 15 random characters with all four classes yield (97.99 bits).',
    sources: [
      HIPAA_PASSWORD_MANAGEMENT,
      HIPAA_AUTHENTICATION,
      benchmark(NIST_PASSWORD_VERIFIERS, '15-character minimum'),
    ],
  },
  kinds: {
    user: {
      basis: 'product-baseline',
      governs:
        'Product baseline: 164.308(a)(5)(ii)(D) asks for password procedures for the workforce and 164.312(d) for authentication; neither sets a number.',
      rotationDays: 0,
      rotation:
        'Product baseline: HIPAA sets no rotation period; following NIST SP 800-63B-4, change on evidence of compromise.',
      citations: [HIPAA_PASSWORD_MANAGEMENT, HIPAA_AUTHENTICATION],
    },
    service: {
      basis: 'product-baseline',
      governs:
        'Product baseline: 164.312(d) covers entities (software) as well as persons and sets no number; 164.308(a)(5)(ii)(D) is about the workforce.',
      rotationDays: 0,
      rotation:
        'Product baseline: HIPAA sets no rotation period; change on evidence of compromise, or at the period your risk analysis (164.308(a)(1)) sets (--rotate-every-days).',
      citations: [HIPAA_AUTHENTICATION],
    },
  },
};

const PCI_836: Citation = {
  clause: `${PCI} 8.3.6`,
  says: 'passwords used as an authentication factor for user access: at least 12 characters (8 where the system cannot support 12), numeric and alphabetic characters; its applicability notes exclude application and system accounts, which 8.6 governs',
  url: PCI_URL,
};
const PCI_839: Citation = {
  clause: `${PCI} 8.3.9`,
  says: 'where a password is the only authentication factor for user access, either change it at least once every 90 days or analyse the security posture of the account dynamically',
  url: PCI_URL,
};
const PCI_862: Citation = {
  clause: `${PCI} 8.6.2`,
  says: 'passwords of application and system accounts that can be used for interactive login are not hard-coded in scripts, configuration or property files, or source code',
  url: PCI_URL,
};
const PCI_863: Citation = {
  clause: `${PCI} 8.6.3`,
  says: "passwords of application and system accounts are changed periodically, at the frequency defined in the entity's targeted risk analysis, and on suspicion or confirmation of compromise; their complexity is appropriate to how often they are changed",
  url: PCI_URL,
};
const PCI_1231: Citation = {
  clause: `${PCI} 12.3.1`,
  says: 'what a targeted risk analysis for a requirement with a flexible frequency must contain',
  url: PCI_URL,
};

export const PCI_DSS: StandardRule = {
  id: 'PCI-DSS',
  name: 'PCI DSS v4.0.1',
  certifiable: true,
  minLength: 12,
  defaultLength: 20,
  requiredClasses: ['letter', 'digit'],
  minEntropyBits: 70,
  aliases: ['pci', 'pci dss', 'pcidss', 'pci dss 4', 'pci dss v4', 'pci dss 4.0.1'],
  basis: {
    kind: 'clause',
    length:
      'PCI DSS v4.0.1 Requirement 8.3.6: at least 12 characters (8 only where the system does not support 12); for service credentials a product baseline benchmarked to it (see the kinds).',
    classes:
      'PCI DSS v4.0.1 Requirement 8.3.6: both numeric and alphabetic characters (nothing about case or symbols).',
    entropy:
      'Product baseline: PCI DSS sets no entropy figure; 70 bits sits below what 12 random characters yield with upper-case letters, lower-case letters and digits all present (71.25 bits).',
    sources: [PCI_836, PCI_839, PCI_862, PCI_863, PCI_1231],
  },
  kinds: {
    user: {
      basis: 'clause',
      governs:
        'Requirements 8.3.6 (length and characters) and 8.3.9 (change period) govern passwords used for user access.',
      rotationDays: 90,
      rotation:
        "PCI DSS v4.0.1 Requirement 8.3.9: where the password is the only authentication factor for user access, change it at least once every 90 days (or analyse the account's security posture dynamically); with multi-factor authentication 8.3.9 does not apply. The certificate assumes the single-factor case and writes 90 days; a shorter period may be given (--rotate-every-days).",
      citations: [PCI_836, PCI_839],
    },
    service: {
      basis: 'clause',
      governs:
        'Requirements 8.6.2 and 8.6.3 govern application and system accounts (8.3.6 does not apply to them): 12 characters with letters and digits is a product baseline benchmarked to 8.3.6, meant as complexity appropriate to the change frequency.',
      rotationDays: 0,
      rotationFromRiskAnalysis: true,
      rotation:
        'PCI DSS v4.0.1 Requirement 8.6.3: no fixed period; change at the frequency your targeted risk analysis (12.3.1) defines, and on suspected or confirmed compromise. Give that frequency with --rotate-every-days: the certificate then records rotate_by with rotation_basis risk-analysis; without it, the certificate has no rotate_by.',
      citations: [PCI_862, PCI_863, PCI_1231],
    },
  },
};

const TSC_CC61: Citation = {
  clause: 'AICPA Trust Services Criteria (2017, revised points of focus 2022) CC6.1',
  says: 'logical access security software, infrastructure, and architectures over protected information assets (no password number)',
  url: TSC_URL,
};

export const SOC2: StandardRule = {
  id: 'SOC2',
  name: 'SOC 2 (AICPA TSC CC6.1)',
  certifiable: true,
  minLength: 15,
  defaultLength: 20,
  requiredClasses: [],
  minEntropyBits: 80,
  aliases: ['soc2', 'soc 2', 'soc 2 type 2', 'soc2 type ii', 'aicpa', 'tsc cc6.1'],
  basis: {
    kind: 'product-baseline',
    length:
      'Product baseline: CC6.1 ("logical access security software, infrastructure, and architectures") sets no length; auditors test against the written policy, usually benchmarked to NIST SP 800-63B, whose single-factor minimum is 15.',
    classes:
      'Product baseline: CC6.1 sets no composition rule; none is required, following NIST SP 800-63B-4 (all four classes are included by default).',
    entropy:
      'Product baseline: CC6.1 sets no entropy figure; 80 bits, as for NIST SP 800-63B-4, below what 15 random printable-ASCII characters yield.',
    sources: [TSC_CC61, benchmark(NIST_PASSWORD_VERIFIERS, 'the numbers auditors usually apply')],
  },
  kinds: bothKinds({
    basis: 'product-baseline',
    governs:
      'Product baseline: CC6.1 covers user and system access alike and sets no number; auditors test against your written policy.',
    rotationDays: 0,
    rotation:
      "Product baseline: CC6.1 sets no rotation period; change on evidence of compromise, or at the period the organisation's own policy sets (--rotate-every-days).",
    citations: [TSC_CC61],
  }),
};

const ISO_A517: Citation = {
  clause: 'ISO/IEC 27001:2022 Annex A control 5.17 Authentication information',
  says: 'allocation and management of authentication information is controlled by a management process (no number)',
  url: ISO_27001_URL,
};
const ISO_27002_517: Citation = {
  clause: 'ISO/IEC 27002:2022 §5.17',
  says: 'guidance: generated passwords that cannot be guessed, changed after first use and on compromise; common and compromised passwords blocked',
  url: ISO_27002_URL,
};

export const ISO_27001: StandardRule = {
  id: 'ISO-27001',
  name: 'ISO/IEC 27001:2022 A.5.17',
  certifiable: true,
  minLength: 15,
  defaultLength: 20,
  requiredClasses: [],
  minEntropyBits: 80,
  aliases: ['iso', 'iso27001', 'iso 27001', 'iso 27001:2022', 'iso/iec 27001', 'iso 27002', 'a.5.17'],
  basis: {
    kind: 'product-baseline',
    length:
      'Product baseline: ISO/IEC 27001:2022 A.5.17 and ISO/IEC 27002:2022 §5.17 leave the minimum length to the organisation; 15 is benchmarked to NIST SP 800-63B-4.',
    classes:
      'Product baseline: 27002 §5.17 asks for strong passwords following good practice and mandates no classes; none is required (all four are included by default).',
    entropy: 'Product baseline: no entropy figure in 27001/27002; 80 bits, as for NIST SP 800-63B-4.',
    sources: [ISO_A517, ISO_27002_517, benchmark(NIST_PASSWORD_VERIFIERS, 'the numbers')],
  },
  kinds: bothKinds({
    basis: 'product-baseline',
    governs:
      'Product baseline: A.5.17 covers all authentication information, of people and of systems, and sets no number.',
    rotationDays: 0,
    rotation:
      'Product baseline: ISO/IEC 27002:2022 §5.17 sets no periodic change: change on compromise, and temporary passwords after first use.',
    citations: [ISO_A517, ISO_27002_517],
  }),
};

const FIPS_SOURCES: readonly Citation[] = [
  {
    clause: 'FIPS 140-3 (March 2019)',
    says: 'security requirements for cryptographic modules (through ISO/IEC 19790:2012); no rule for generated passwords',
    url: 'https://doi.org/10.6028/NIST.FIPS.140-3',
  },
  {
    clause: 'NIST SP 800-90A Rev. 1',
    says: 'the approved deterministic random bit generators',
    url: 'https://doi.org/10.6028/NIST.SP.800-90Ar1',
  },
  {
    clause: 'NIST SP 800-131A Rev. 2',
    says: '112 bits as the minimum security strength',
    url: 'https://doi.org/10.6028/NIST.SP.800-131Ar2',
  },
  NIST_RBG,
];

export const FIPS_140_3: StandardRule = {
  id: 'FIPS-140-3',
  name: 'FIPS 140-3',
  certifiable: true,
  minLength: 20,
  defaultLength: 24,
  requiredClasses: ['upper', 'lower', 'digit', 'special'],
  minEntropyBits: 112,
  requiresFipsModule: true,
  aliases: ['fips', 'fips 140-3', 'fips140', 'fips1403', 'fips 140', 'fips140-3'],
  basis: {
    kind: 'product-baseline',
    length:
      'Product baseline: FIPS 140-3 is a cryptographic-module standard and sets no password rule. What it certifies here is the random source: the credential is met only when the generating runtime reported OpenSSL in FIPS mode (crypto.getFips()) and named its FIPS provider (name and version), both recorded in entropy_source as client assertions. The 20-character four-class string profile is a product baseline, benchmarked to the HIPAA and CMMC entries so the credential is also strong; it is not what FIPS 140-3 asks for.',
    classes:
      'Product baseline: FIPS 140-3 sets no composition rule; all four classes are required as a strong default, not because the standard asks for them.',
    entropy:
      'Product baseline: 112 bits is the minimum security strength of NIST SP 800-131A Rev. 2 and of the random bit generator in NIST SP 800-63B-4 §3.2.12; 20 random characters with all four classes yield 130.92.',
    sources: FIPS_SOURCES,
  },
  kinds: bothKinds({
    basis: 'product-baseline',
    governs:
      'Product baseline for the string, whatever the kind: FIPS 140-3 governs the cryptographic module the random bytes came from, not the credential.',
    rotationDays: 0,
    rotation:
      'Product baseline: FIPS 140-3 sets no rotation period; change on evidence of compromise (--rotate-every-days for your own period).',
    citations: FIPS_SOURCES,
  }),
};

const RHEL9_LENGTH: Citation = {
  clause: `${RHEL9} V-258107 (RHEL-09-611090)`,
  says: 'passwords of at least 15 characters (pwquality minlen = 15)',
  url: STIG_URL,
};
const RHEL9_CLASSES: Citation = {
  clause: `${RHEL9} V-258109 (RHEL-09-611100), V-258111 (RHEL-09-611110), RHEL-09-611065 and the dcredit rule`,
  says: 'at least one special character (ocredit = -1), upper-case letter (ucredit = -1), lower-case letter (lcredit = -1) and digit (dcredit = -1)',
  url: STIG_URL,
};
const RHEL9_RUNS: Citation = {
  clause: `${RHEL9} V-258114 (RHEL-09-611125) and V-258113 (RHEL-09-611120)`,
  says: 'at most 3 identical characters in a row (maxrepeat = 3) and at most 4 characters of one class in a row (maxclassrepeat = 4)',
  url: STIG_URL,
};
const RHEL9_LIFETIME: Citation = {
  clause: `${RHEL9} V-258041 (RHEL-09-411010) and V-258042 (RHEL-09-411015)`,
  says: 'a 60-day maximum password lifetime for user accounts',
  url: STIG_URL,
};
const ASD_LENGTH: Citation = {
  clause: `${ASD} V-222536 (APSC-DV-001680)`,
  says: 'the application enforces a minimum 15-character password length',
  url: STIG_URL,
};
const ASD_CLASSES: Citation = {
  clause: `${ASD} V-222537 (APSC-DV-001690), V-222538 (APSC-DV-001700), V-222539 (APSC-DV-001710), V-222540 (APSC-DV-001720)`,
  says: 'at least one upper-case letter, lower-case letter, numeric character and special character',
  url: STIG_URL,
};
const ASD_LIFETIME: Citation = {
  clause: `${ASD} V-222545 (APSC-DV-001770)`,
  says: 'a 60-day maximum password lifetime (emergency administration accounts excepted)',
  url: STIG_URL,
};

export const DOD_STIG: StandardRule = {
  id: 'DOD-STIG',
  name: 'DISA STIG (RHEL 9 and ASD)',
  certifiable: true,
  minLength: 15,
  defaultLength: 20,
  requiredClasses: ['upper', 'lower', 'digit', 'special'],
  minEntropyBits: 90,
  maxRepeat: 3,
  maxClassRepeat: 4,
  aliases: ['dod', 'stig', 'dod stig', 'disa', 'disa stig', 'srg'],
  basis: {
    kind: 'clause',
    length:
      'RHEL 9 STIG V-258107 (RHEL-09-611090) for OS accounts and ASD STIG V-222536 (APSC-DV-001680) for applications: at least 15 characters.',
    classes:
      'RHEL 9 STIG V-258109 (ocredit), V-258111 (ucredit) and the lcredit/dcredit rules, and ASD STIG V-222537 to V-222540: at least one upper-case letter, lower-case letter, digit and special character. For interactive OS accounts also V-258114 (maxrepeat = 3) and V-258113 (maxclassrepeat = 4): a STIG generation enforces both run limits by rejection, and the entropy counts only the strings that keep to them.',
    entropy:
      'Product baseline: the STIGs set no entropy figure; 90 bits sits below what 15 random characters with all four classes and the run limits yield (97.92 bits).',
    sources: [RHEL9_LENGTH, RHEL9_CLASSES, RHEL9_RUNS, RHEL9_LIFETIME, ASD_LENGTH, ASD_CLASSES, ASD_LIFETIME],
  },
  kinds: {
    user: {
      basis: 'clause',
      governs:
        'The RHEL 9 STIG pwquality and lifetime rules govern interactive operating-system accounts: 15 characters, four classes, the run limits and 60 days.',
      rotationDays: 60,
      rotation:
        'RHEL 9 STIG V-258041 / V-258042 (RHEL-09-411010 / -411015): a maximum password lifetime of 60 days.',
      citations: [RHEL9_LENGTH, RHEL9_CLASSES, RHEL9_RUNS, RHEL9_LIFETIME],
    },
    service: {
      basis: 'clause',
      governs:
        "A service credential is not an interactive OS login, so the RHEL 9 pwquality rules (including the run limits) do not govern it; the ASD STIG's application password rules do: 15 characters, four classes, 60 days. A STIG generation still applies the run limits.",
      rotationDays: 60,
      runLimitsDoNotApply: true,
      rotation: 'ASD STIG V-222545 (APSC-DV-001770): a maximum password lifetime of 60 days.',
      citations: [ASD_LENGTH, ASD_CLASSES, ASD_LIFETIME],
    },
  },
};

const SP800_171_R2: Citation = {
  clause: 'NIST SP 800-171 Rev. 2 §3.5.7 to §3.5.10 (CMMC Level 2 IA.L2-3.5.7 to IA.L2-3.5.10)',
  says: 'minimum password complexity and change of characters, reuse, temporary passwords and protected storage, all organisation-defined',
  url: 'https://doi.org/10.6028/NIST.SP.800-171r2',
};

export const CMMC_L2: StandardRule = {
  id: 'CMMC-L2',
  name: 'CMMC 2.0 Level 2 (NIST SP 800-171 r2 3.5.7)',
  certifiable: false,
  minLength: 15,
  defaultLength: 20,
  requiredClasses: ['upper', 'lower', 'digit', 'special'],
  minEntropyBits: 90,
  aliases: ['cmmc', 'cmmc l2', 'cmmc level 2', 'cmmc 2', '800-171', 'nist 800-171'],
  basis: {
    kind: 'product-baseline',
    length:
      'Product baseline: NIST SP 800-171 r2 3.5.7 requires "a minimum password complexity" and leaves the values to the organisation; 15 is benchmarked to the DISA STIG value DoD contractors usually inherit.',
    classes:
      'Product baseline: 3.5.7 leaves the composition to the organisation; all four classes, as in the DISA STIGs.',
    entropy: 'Product baseline: no entropy figure in 800-171; 90 bits, as for the DISA STIG entry.',
    sources: [SP800_171_R2, benchmark(RHEL9_LENGTH, 'the 15-character value')],
  },
  kinds: bothKinds({
    basis: 'product-baseline',
    governs:
      'Product baseline: 800-171 r2 leaves every value to the organisation, for every kind of account.',
    rotationDays: 0,
    rotation:
      'Product baseline: 800-171 r2 sets no period (3.5.8 prohibits reuse for an organisation-defined number of generations); change on evidence of compromise, or 60 days where the organisation inherits STIG settings.',
    citations: [SP800_171_R2],
  }),
};

/** In STANDARD_IDS order. */
export const STANDARDS: readonly StandardRule[] = Object.freeze([
  NIST_800_63B,
  HIPAA,
  PCI_DSS,
  SOC2,
  ISO_27001,
  FIPS_140_3,
  DOD_STIG,
  CMMC_L2,
]);

import type { StandardRule } from './types.js';

/**
 * The standards table. Every number is either a clause of the framework (basis.kind 'clause') or
 * our own baseline where the framework sets none ('product-baseline'), and then the text says
 * what it is benchmarked to. Research and sources: shared/research/standards.md, docs/standards.md.
 *
 * Entropy floors are set to what the minimum length actually yields, so the minimum length is
 * always achievable: 15 characters over all 94 printable ASCII with every class present give
 * 97.99 bits exactly; 12 letters-and-digits give 71.25; 20 characters over 94 give 130.92.
 */

const NIST_FINAL = 'NIST SP 800-63B-4 (final, July 2025)';

export const NIST_800_63B: StandardRule = {
  id: 'NIST-800-63B',
  name: 'NIST SP 800-63B-4',
  certifiable: true,
  minLength: 15,
  defaultLength: 20,
  requiredClasses: [],
  minEntropyBits: 80,
  rotationDays: 0,
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
    rotation:
      'NIST SP 800-63B-4 §3.1.1.2: verifiers SHALL NOT require periodic change, and SHALL force a change on evidence of compromise.',
    sources: [
      `${NIST_FINAL} §3.1.1.2 Password Verifiers (15-character single-factor minimum, 8 within MFA; no composition rules; no periodic change; change on compromise; blocklist checked against the whole password)`,
      `${NIST_FINAL} §3.1.1.1 (passwords chosen by the subscriber or assigned randomly by the CSP)`,
      `${NIST_FINAL} §3.2.12 (random values from an approved RBG with at least 112 bits of security strength)`,
      'Final 15/8 wording as quoted verbatim in OWASP ASVS issue #3242; other clauses read from the third public draft (usnistgov/800-63-4 @1512c7e, sp800-63b/authenticators)',
    ],
  },
};

export const HIPAA: StandardRule = {
  id: 'HIPAA',
  name: 'HIPAA Security Rule',
  certifiable: true,
  minLength: 15,
  defaultLength: 20,
  requiredClasses: ['upper', 'lower', 'digit', 'special'],
  minEntropyBits: 90,
  rotationDays: 0,
  aliases: ['hipaa', 'hipaa security rule', '45 cfr 164'],
  basis: {
    kind: 'product-baseline',
    length:
      'Product baseline: 45 CFR 164.308(a)(5)(ii)(D) requires "procedures for creating, changing, and safeguarding passwords" and sets no length; 15 is benchmarked to NIST SP 800-63B-4\'s single-factor minimum.',
    classes:
      'Product baseline: HIPAA sets no composition rule; all four classes are required so that HITRUST-style verifiers (CSF 01.d, "minimum length and complexity") accept the credential.',
    entropy:
      'Product baseline: HIPAA sets no entropy figure; 90 bits sits below what 15 random characters with all four classes yield (97.99 bits).',
    rotation:
      'Product baseline: HIPAA sets no rotation period; following NIST SP 800-63B-4, change on evidence of compromise. (HITRUST-style policies use 90 days, 60 for privileged accounts.)',
    sources: [
      '45 CFR 164.308(a)(5)(ii)(D) Password management (addressable implementation specification; no numeric rule)',
      '45 CFR 164.312(a)(2)(i) Unique user identification; 45 CFR 164.312(d) Person or entity authentication',
      'HHS Security Rule NPRM, 90 FR 898 (January 2025): proposed, not final',
      'HITRUST CSF v11 controls 01.d, 01.f, 01.r (secondary summaries; no public numeric values)',
      `${NIST_FINAL} §3.1.1.2 (the benchmark for the 15-character minimum)`,
    ],
  },
};

export const PCI_DSS: StandardRule = {
  id: 'PCI-DSS',
  name: 'PCI DSS v4.0.1',
  certifiable: true,
  minLength: 12,
  defaultLength: 20,
  requiredClasses: ['letter', 'digit'],
  minEntropyBits: 70,
  rotationDays: 90,
  aliases: ['pci', 'pci dss', 'pcidss', 'pci dss 4', 'pci dss v4', 'pci dss 4.0.1'],
  basis: {
    kind: 'clause',
    length:
      'PCI DSS v4.0.1 Requirement 8.3.6: at least 12 characters (8 only where the system does not support 12).',
    classes:
      'PCI DSS v4.0.1 Requirement 8.3.6: both numeric and alphabetic characters (nothing about case or symbols).',
    entropy:
      'Product baseline: PCI DSS sets no entropy figure; 70 bits sits below what 12 random characters yield with upper-case letters, lower-case letters and digits all present (71.25 bits).',
    rotation:
      "PCI DSS v4.0.1 Requirement 8.3.9: where the password is the only authentication factor, change it at least every 90 days (or analyse the account's security posture dynamically); not applicable where MFA is used (PCI SSC FAQ).",
    sources: [
      'PCI DSS v4.0.1 Requirement 8.3.6 (minimum 12 characters; numeric and alphabetic)',
      'PCI DSS v4.0.1 Requirement 8.3.9 (90-day change when the password is the only factor)',
      'PCI DSS v4.0.1 Requirements 8.3.7 (differs from the last four) and 8.3.5 (initial passwords unique and changed on first use)',
      'PCI SSC FAQ "Do 8.3.9 and 8.3.10.1 apply to all system components?" (not applicable where MFA is used)',
      'PCI DSS v4.0.1 Requirement 8.6.3 (application and system accounts: frequency set by targeted risk analysis; 8.3.6 does not apply)',
    ],
  },
};

export const SOC2: StandardRule = {
  id: 'SOC2',
  name: 'SOC 2 (AICPA TSC CC6.1)',
  certifiable: true,
  minLength: 15,
  defaultLength: 20,
  requiredClasses: [],
  minEntropyBits: 80,
  rotationDays: 0,
  aliases: ['soc2', 'soc 2', 'soc 2 type 2', 'soc2 type ii', 'aicpa', 'tsc cc6.1'],
  basis: {
    kind: 'product-baseline',
    length:
      'Product baseline: CC6.1 ("logical access security software, infrastructure, and architectures") sets no length; auditors test against the written policy, usually benchmarked to NIST SP 800-63B, whose single-factor minimum is 15.',
    classes:
      'Product baseline: CC6.1 sets no composition rule; none is required, following NIST SP 800-63B-4 (all four classes are included by default).',
    entropy:
      'Product baseline: CC6.1 sets no entropy figure; 80 bits, as for NIST SP 800-63B-4, below what 15 random printable-ASCII characters yield.',
    rotation:
      "Product baseline: CC6.1 sets no rotation period; following NIST SP 800-63B-4, change on evidence of compromise (or at the period the organisation's own policy sets).",
    sources: [
      'AICPA Trust Services Criteria (2017, revised points of focus 2022), CC6.1 (no numeric password rule)',
      `${NIST_FINAL} §3.1.1.2 (the benchmark auditors usually apply)`,
    ],
  },
};

export const ISO_27001: StandardRule = {
  id: 'ISO-27001',
  name: 'ISO/IEC 27001:2022 A.5.17',
  certifiable: true,
  minLength: 15,
  defaultLength: 20,
  requiredClasses: [],
  minEntropyBits: 80,
  rotationDays: 0,
  aliases: ['iso', 'iso27001', 'iso 27001', 'iso 27001:2022', 'iso/iec 27001', 'iso 27002', 'a.5.17'],
  basis: {
    kind: 'product-baseline',
    length:
      'Product baseline: ISO/IEC 27001:2022 A.5.17 and ISO/IEC 27002:2022 §5.17 leave the minimum length to the organisation; 15 is benchmarked to NIST SP 800-63B-4.',
    classes:
      'Product baseline: 27002 §5.17 asks for strong passwords following good practice and mandates no classes; none is required (all four are included by default).',
    entropy: 'Product baseline: no entropy figure in 27001/27002; 80 bits, as for NIST SP 800-63B-4.',
    rotation:
      'ISO/IEC 27002:2022 §5.17 sets no periodic change: change on compromise, and temporary passwords after first use.',
    sources: [
      'ISO/IEC 27001:2022 Annex A control 5.17 Authentication information',
      'ISO/IEC 27002:2022 §5.17 (allocation: non-guessable generated passwords, changed after first use and on compromise; block common and compromised passwords)',
      `${NIST_FINAL} §3.1.1.2 (the benchmark for the numbers)`,
    ],
  },
};

export const FIPS_140_3: StandardRule = {
  id: 'FIPS-140-3',
  name: 'FIPS 140-3',
  certifiable: true,
  minLength: 20,
  defaultLength: 24,
  requiredClasses: ['upper', 'lower', 'digit', 'special'],
  minEntropyBits: 112,
  rotationDays: 0,
  requiresFipsModule: true,
  aliases: ['fips', 'fips 140-3', 'fips140', 'fips1403', 'fips 140', 'fips140-3'],
  basis: {
    kind: 'product-baseline',
    length:
      'Product baseline: FIPS 140-3 is a cryptographic-module standard and sets no password rule. What it certifies here is the random source: the credential is met only when the generating runtime reported OpenSSL in FIPS mode (crypto.getFips()) and named its FIPS provider (name and version), both recorded in entropy_source as client assertions. The 20-character four-class string profile is a product baseline, benchmarked to the HIPAA and CMMC entries so the credential is also strong; it is not what FIPS 140-3 asks for.',
    classes:
      'Product baseline: FIPS 140-3 sets no composition rule; all four classes are required as a strong default, not because the standard asks for them.',
    entropy:
      'Product baseline: 112 bits is the minimum security strength of NIST SP 800-131A and of the random bit generator in NIST SP 800-63B-4 §3.2.12; 20 random characters with all four classes yield 130.92.',
    rotation: 'Product baseline: FIPS 140-3 sets no rotation period; change on evidence of compromise.',
    sources: [
      'FIPS 140-3 (via ISO/IEC 19790:2012 §7.4): operator authentication strength for modules only; no rule for generated passwords',
      'NIST SP 800-90A r1 (approved DRBGs) and SP 800-90B (entropy sources): what "approved random source" means',
      'NIST SP 800-131A r2 (112-bit minimum security strength)',
      `${NIST_FINAL} §3.2.12 (random values from an approved RBG with at least 112 bits of security strength)`,
    ],
  },
};

export const DOD_STIG: StandardRule = {
  id: 'DOD-STIG',
  name: 'DISA STIG / SRG',
  certifiable: true,
  minLength: 15,
  defaultLength: 20,
  requiredClasses: ['upper', 'lower', 'digit', 'special'],
  minEntropyBits: 90,
  rotationDays: 60,
  maxRepeat: 3,
  maxClassRepeat: 4,
  aliases: ['dod', 'stig', 'dod stig', 'disa', 'disa stig', 'srg'],
  basis: {
    kind: 'clause',
    length:
      'RHEL 9 STIG V-258107 (RHEL-09-611090): at least 15 characters ("The DOD minimum password requirement is 15 characters").',
    classes:
      'RHEL 9 STIG V-258109 (RHEL-09-611100, ocredit = -1), V-258111 (RHEL-09-611110, ucredit = -1) and the matching lcredit/dcredit rules: at least one upper-case letter, lower-case letter, digit and special character; V-258114 (RHEL-09-611125, maxrepeat = 3): at most 3 identical characters in a row; V-258113 (RHEL-09-611120, maxclassrepeat = 4): at most 4 characters of one class in a row. The generator enforces both run limits by rejection, and the entropy counts only the strings that keep to them.',
    entropy:
      'Product baseline: the STIGs set no entropy figure; 90 bits sits below what 15 random characters with all four classes and the run limits yield (97.92 bits).',
    rotation:
      'RHEL 9 STIG V-258041 / V-258042 (RHEL-09-411010 / -411015): a maximum password lifetime of 60 days.',
    sources: [
      'RHEL 9 STIG V-258107 (RHEL-09-611090): 15-character minimum',
      'RHEL 9 STIG V-258109 (RHEL-09-611100): at least one special character; V-258111 (RHEL-09-611110): at least one upper-case character; the matching lower-case and digit rules',
      'RHEL 9 STIG V-258114 (RHEL-09-611125): maxrepeat = 3; V-258113 (RHEL-09-611120): maxclassrepeat = 4',
      'RHEL 9 STIG V-258041, V-258042 (RHEL-09-411010, RHEL-09-411015): 60-day maximum lifetime',
      'Authentication, Authorization and Accounting Services SRG V-204664 to V-204674',
      'Application Security and Development STIG APSC-DV-001680 (V-222536: 15 characters), V-222537 and V-222538 (case rules), V-222539 to V-222541',
    ],
  },
};

export const CMMC_L2: StandardRule = {
  id: 'CMMC-L2',
  name: 'CMMC 2.0 Level 2 (NIST SP 800-171 r2 3.5.7)',
  certifiable: false,
  minLength: 15,
  defaultLength: 20,
  requiredClasses: ['upper', 'lower', 'digit', 'special'],
  minEntropyBits: 90,
  rotationDays: 0,
  aliases: ['cmmc', 'cmmc l2', 'cmmc level 2', 'cmmc 2', '800-171', 'nist 800-171'],
  basis: {
    kind: 'product-baseline',
    length:
      'Product baseline: NIST SP 800-171 r2 3.5.7 requires "a minimum password complexity" and leaves the values to the organisation; 15 is benchmarked to the DISA STIG value DoD contractors usually inherit.',
    classes:
      'Product baseline: 3.5.7 leaves the composition to the organisation; all four classes, as in the DISA STIGs.',
    entropy: 'Product baseline: no entropy figure in 800-171; 90 bits, as for the DISA STIG entry.',
    rotation:
      'Product baseline: 800-171 r2 sets no period (3.5.8 prohibits reuse for an organisation-defined number of generations); change on evidence of compromise, or 60 days where the organisation inherits STIG settings.',
    sources: [
      'NIST SP 800-171 r2 §3.5.7 to §3.5.10 (CMMC 2.0 Level 2 practices IA.L2-3.5.7 to IA.L2-3.5.10): organisation-defined values',
      'DFARS class deviation 2024-O0013 (contractors stay on 800-171 r2)',
      'NIST SP 800-171 r3 03.05.07 (May 2024): composition as an organisation-defined parameter; check against a list of common and compromised passwords',
      'RHEL 9 STIG V-258107 (the benchmark for the values)',
    ],
  },
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

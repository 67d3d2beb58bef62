import { InputError } from '../errors.js';
import { STANDARDS } from './standards.js';
import type { StandardId, StandardRule } from './types.js';
import { STANDARD_IDS } from './types.js';

/** "PCI DSS", "pci-dss", "PCI_DSS" and "pcidss" are the same name. */
function normalise(name: string): string {
  return name.toLowerCase().replace(/[\s\-_./:]+/g, '');
}

const BY_NAME: ReadonlyMap<string, StandardRule> = (() => {
  const map = new Map<string, StandardRule>();
  for (const rule of STANDARDS) {
    for (const name of [rule.id, ...rule.aliases]) {
      const key = normalise(name);
      const taken = map.get(key);
      // A shared alias would silently certify to the wrong standard; fail at load instead.
      if (taken && taken !== rule) throw new Error(`Alias "${name}" names both ${taken.id} and ${rule.id}.`);
      map.set(key, rule);
    }
  }
  return map;
})();

export function getStandard(id: StandardId): StandardRule {
  const rule = STANDARDS.find((s) => s.id === id);
  if (!rule) throw unknown(String(id));
  return rule;
}

/** Case-insensitive; spaces, '-', '_', '.', '/' and ':' are ignored; aliases accepted. */
export function resolveStandard(input: string): StandardRule {
  const rule = typeof input === 'string' ? BY_NAME.get(normalise(input)) : undefined;
  if (!rule) throw unknown(String(input));
  return rule;
}

function unknown(input: string): InputError {
  // The input is echoed for the user's benefit, shortened and without control characters.
  // eslint-disable-next-line no-control-regex
  const shown = JSON.stringify(input.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 40));
  return new InputError(
    'UNKNOWN_STANDARD',
    `Unknown standard ${shown}. Use one of: ${STANDARD_IDS.join(', ')} (run \`passgeni standards\` to see their rules).`,
    { details: { valid: [...STANDARD_IDS] } },
  );
}

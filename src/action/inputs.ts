import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { parseTrustLines, readTrustFile, type TrustAnchor } from '../trust/index.js';

/**
 * Typed reading of action inputs. The runner passes each input declared in action.yml as
 * `INPUT_<NAME>` (the name upper-cased, spaces turned into `_`, dashes kept) with the user's value
 * or the declared default, so an input that is present but empty means "not set".
 */
export class Inputs {
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  static envName(name: string): string {
    return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
  }

  /** The trimmed value, or undefined when empty. */
  string(name: string, options: { required?: boolean; maxLength?: number } = {}): string | undefined {
    const value = (this.env[Inputs.envName(name)] ?? '').trim();
    if (value === '') {
      if (options.required) throw new InputError('INPUT_REQUIRED', `Input '${name}' is required.`);
      return undefined;
    }
    if (options.maxLength !== undefined && value.length > options.maxLength) {
      throw new InputError(
        'INPUT_INVALID',
        `Input '${name}' is longer than ${options.maxLength} characters.`,
      );
    }
    return value;
  }

  required(name: string, options: { maxLength?: number } = {}): string {
    return this.string(name, { ...options, required: true }) as string;
  }

  /**
   * Only the YAML 1.2 core schema booleans, as the runner documents for inputs. Anything else is an
   * error rather than false: `output-credential: ture` must not quietly mean "no".
   */
  boolean(name: string, fallback: boolean): boolean {
    const value = this.string(name);
    if (value === undefined) return fallback;
    if (['true', 'True', 'TRUE'].includes(value)) return true;
    if (['false', 'False', 'FALSE'].includes(value)) return false;
    throw new InputError(
      'INPUT_INVALID',
      `Input '${name}' must be true or false (YAML core schema: true | True | TRUE | false | False | FALSE); got ${quote(value)}.`,
    );
  }

  integer(name: string, range: { min: number; max: number }): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (
      !/^\d+$/.test(value) ||
      !Number.isSafeInteger(Number(value)) ||
      Number(value) < range.min ||
      Number(value) > range.max
    ) {
      throw new InputError(
        'INPUT_INVALID',
        `Input '${name}' must be a whole number from ${range.min} to ${range.max}; got ${quote(value)}.`,
      );
    }
    return Number(value);
  }

  choice<T extends string>(name: string, choices: readonly T[]): T | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (!(choices as readonly string[]).includes(value)) {
      throw new InputError(
        'INPUT_INVALID',
        `Input '${name}' must be one of ${choices.join(', ')}; got ${quote(value)}.`,
      );
    }
    return value as T;
  }

  /** One entry a line; blank lines and `#` comment lines are skipped, so lists can be annotated. */
  lines(name: string, options: { required?: boolean } = {}): string[] {
    const raw = this.env[Inputs.envName(name)] ?? '';
    const lines = raw
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    if (lines.length === 0 && options.required) {
      throw new InputError('INPUT_REQUIRED', `Input '${name}' is required (one entry a line).`);
    }
    return lines;
  }
}

/** Shown back to the user, shortened and stripped of control characters. */
export function quote(value: string): string {
  // eslint-disable-next-line no-control-regex
  return JSON.stringify(value.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 60));
}

/**
 * The issuers an action trusts: its `trust` input (ISSUER_ID=JWKS_URL_OR_FILE, one a line, files
 * relative to the workspace) and the trust file PASSGENI_TRUST names, merged.
 */
export function actionTrust(
  text: string | undefined,
  env: NodeJS.ProcessEnv,
  workspace: string,
): TrustAnchor[] {
  const anchors = text === undefined ? [] : parseTrustLines(text, "input 'trust' line", workspace);
  const file = env.PASSGENI_TRUST?.trim();
  if (file) anchors.push(...readTrustFile(resolve(workspace, file)));
  return anchors;
}

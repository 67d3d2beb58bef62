import type { Command } from 'commander';
import { Option } from 'commander';
import { entropySource } from '../../certificate/entropy-source.js';
import type { PolicyRequest, ResolvedPolicy } from '../../policy/index.js';
import { resolvePolicy, runLimitsOf } from '../../policy/index.js';
import { createGenerator, generateCredential } from '../../generate/index.js';
import { printJsonLine, printNotice, printText } from '../output.js';
import { runCommand } from '../run-command.js';
import { parseClassList, parsePositiveInt } from '../parse.js';

/** The flags are named as the policy request's fields, so the options are the request. */
interface GenerateOptions extends PolicyRequest {
  count: number;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('generate')
    .description('Generate credentials to a compliance standard (locally; nothing is sent anywhere).')
    .requiredOption('-s, --standard <standard>', 'standard to generate to (see `passgeni standards`)')
    .option(
      '--kind <kind>',
      'service (a machine uses it: database, API, service account; the default) or user (a person logs in with it)',
    )
    .option(
      '--rotate-every-days <n>',
      "your rotation period in days, from your targeted risk analysis (never longer than the standard's period for the kind)",
      parsePositiveInt,
    )
    .option('-l, --length <n>', "length (default: the standard's default length)", parsePositiveInt)
    .option('-x, --exclude <chars>', 'characters the target system rejects, e.g. "\'\\"\\\\/@"')
    .option('--symbols <set>', 'use this set of punctuation characters instead of all 32')
    .option(
      '--classes <list>',
      'character classes to include: upper,lower,digit,special (default: all)',
      parseClassList,
    )
    .addOption(new Option('-n, --count <k>', 'how many credentials').argParser(parsePositiveInt).default(1))
    .option('--json', 'print JSON (one object per line with --count)')
    .addHelpText(
      'after',
      '\nThe credential is printed on stdout and nowhere else. Exit codes: 0 ok, 2 bad input or a request weaker than the standard.',
    )
    .action(runCommand((options: GenerateOptions) => generate(options)));
}

async function generate(options: GenerateOptions): Promise<number> {
  // FIPS-140-3 is listed, and may be asked for, only from a runtime in FIPS mode
  const policy = resolvePolicy({ ...options, randomSource: entropySource() });
  if (options.count === 1) {
    const { password } = await generateCredential(policy);
    emit(password, policy, options.json === true);
  } else {
    // The bulk path: one generator with its random pool kept warm across credentials.
    const next = await createGenerator(policy.charset, policy.length, { limits: runLimitsOf(policy.params) });
    for (let i = 0; i < options.count; i++) emit(next(), policy, options.json === true);
  }
  if (!options.json && process.stderr.isTTY) {
    printNotice(
      `${policy.standard.id} (${policy.kind} credential): ${policy.length} characters, ${policy.entropyBits} bits, meets ${policy.standardsMet.join(', ')}`,
    );
  }
  return 0;
}

function emit(password: string, policy: ResolvedPolicy, json: boolean): void {
  if (!json) {
    printText(password);
    return;
  }
  const { length, has_upper, has_lower, has_numbers, has_special, char_pool_size } = policy.params;
  printJsonLine({
    standard: policy.standard.id,
    credential_kind: policy.kind,
    password,
    length,
    entropy_bits: policy.entropyBits,
    char_pool_size,
    standards_met: policy.standardsMet,
    generation_params: { length, has_upper, has_lower, has_numbers, has_special, char_pool_size },
  });
}

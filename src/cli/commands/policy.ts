import type { Command } from 'commander';
import { Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { renderPolicy, resolveStandard } from '../../policy/index.js';
import { printJson, printText } from '../output.js';
import { runCommand } from '../run-command.js';

interface PolicyOptions {
  standard: string;
  format: 'md' | 'html';
  organisation?: string;
  out?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('policy')
    .description(
      'Write a password policy for a standard that an organisation can adopt, with the basis of each rule.',
    )
    .requiredOption('-s, --standard <standard>', 'standard (see `passgeni standards`)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['md', 'html']).default('md'))
    .option('--organisation <name>', 'organisation name to put in the policy')
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .option('--json', 'print { standard, format, policy } as JSON')
    .action(
      runCommand((options: PolicyOptions) => {
        const rule = resolveStandard(options.standard);
        const text = renderPolicy(rule, options.format, options);
        if (options.out) writeFileSync(options.out, text);
        if (options.json)
          printJson({
            standard: rule.id,
            format: options.format,
            ...(options.out ? { file: options.out } : { policy: text }),
          });
        else if (!options.out) printText(text);
        return 0;
      }),
    );
}

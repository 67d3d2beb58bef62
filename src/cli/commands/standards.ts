import type { Command } from 'commander';
import { STANDARDS } from '../../policy/index.js';
import type { KindRule } from '../../policy/index.js';
import { printJson, printText, textTable } from '../output.js';
import { runCommand } from '../run-command.js';

export function register(program: Command): void {
  program
    .command('standards')
    .description('List the standards, their rules and what each rule rests on.')
    .option('--json', 'print JSON')
    .action(
      runCommand((options: { json?: boolean }) => {
        if (options.json) {
          printJson(STANDARDS);
          return 0;
        }
        const rows = STANDARDS.map((s) => [
          s.id,
          String(s.minLength),
          s.requiredClasses.length ? s.requiredClasses.join('+') : 'none',
          String(s.minEntropyBits),
          rotationCell(s.kinds.service),
          rotationCell(s.kinds.user),
          s.certifiable ? 'yes' : 'standards_met only',
          s.basis.kind === 'clause' ? 'framework clause' : 'product baseline',
        ]);
        printText(
          textTable(
            [
              'standard',
              'min length',
              'classes',
              'min bits',
              'rotation: service',
              'rotation: user',
              'certifiable',
              'basis',
            ],
            rows,
          ),
        );
        printText('\nRun `passgeni policy --standard <id>` for the basis of each rule and its sources.');
        return 0;
      }),
    );
}

function rotationCell(rule: KindRule): string {
  if (rule.rotationFromRiskAnalysis) return 'risk analysis';
  return rule.rotationDays ? `${rule.rotationDays} d` : 'on compromise';
}

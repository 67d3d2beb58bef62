import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { pinIssuer, readTrustFile, type IssuerPin } from '../../trust/index.js';
import { printJson, printNotice, printText } from '../output.js';
import { runCommand } from '../run-command.js';

interface TrustCliOptions {
  append?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('trust')
    .description(
      "Pin an issuer for verification: read its identity document (/.well-known/passgeni-issuer) and print the ISSUER_ID=JWKS_URL line for --trust or a PASSGENI_TRUST file, with its keys' thumbprints.",
    )
    .argument(
      '<issuer-url>',
      'the base URL of a PassGeni issuer (passgeni serve), e.g. https://certs.example.com',
    )
    .option('--append <file>', 'append the pinned line (with its thumbprints as comments) to this trust file')
    .option('--json', 'print the identity and the line as JSON')
    .addHelpText(
      'after',
      `
This is trust on first use: whoever answers at the URL today is believed. Compare the key
thumbprints (RFC 7638, SHA-256) with the issuer's operator out of band before relying on them.

Examples:
  passgeni trust https://certs.example.com
  passgeni trust https://certs.example.com --append ~/.config/passgeni/trust && export PASSGENI_TRUST=~/.config/passgeni/trust

Exit codes: 0 pinned (and appended), 1 the issuer publishes no identity or its keys disagree with
it, 2 bad input (a malformed URL or trust file), 3 the issuer could not be reached.`,
    )
    .action(runCommand((url: string, options: TrustCliOptions) => trust(url, options)));
}

async function trust(url: string, options: TrustCliOptions): Promise<number> {
  // A trust file that would not parse after the append is refused before anything is fetched.
  if (options.append !== undefined && existsSync(options.append)) readTrustFile(options.append, '--append');
  const pin = await pinIssuer(url);
  const block = trustBlock(pin, url);
  let appended: boolean | undefined;
  if (options.append !== undefined) appended = append(options.append, pin, block);
  if (options.json) {
    printJson({
      line: pin.line,
      issuer: pin.identity.issuer,
      jwks_uri: pin.identity.jwks_uri,
      certificate_url_prefix: pin.identity.certificate_url_prefix,
      keys: pin.keys,
      trust_on_first_use: true,
      ...(options.append !== undefined && { appended_to: options.append, appended }),
    });
  } else {
    printText(block);
    if (options.append !== undefined) {
      printNotice(
        appended
          ? `Appended to ${options.append}; set PASSGENI_TRUST=${options.append} to use it.`
          : `${options.append} already pins ${pin.identity.issuer} to ${pin.identity.jwks_uri}; nothing appended.`,
      );
    }
  }
  return 0;
}

/** The pinned line in trust-file syntax, its provenance and thumbprints as `#` comments. */
function trustBlock(pin: IssuerPin, url: string): string {
  return [
    `# ${pin.identity.issuer}: read from ${url} on ${new Date().toISOString()} (trust on first use).`,
    "# Compare these key thumbprints (RFC 7638, SHA-256) with the issuer's operator out of band:",
    ...pin.keys.map((k) => `#   kid ${k.kid}  thumbprint ${k.thumbprint}`),
    pin.line,
  ].join('\n');
}

function append(file: string, pin: IssuerPin, block: string): boolean {
  let existing = '';
  if (existsSync(file)) {
    if (!statSync(file).isFile()) {
      throw new InputError('TRUST_INVALID', `--append ${file} is not a file; name a trust file.`);
    }
    existing = readFileSync(file, 'utf8');
    if (existing.split(/\r?\n/).some((line) => line.trim() === pin.line)) return false;
  }
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  appendFileSync(file, `${separator}${block}\n`, { mode: 0o644 });
  return true;
}

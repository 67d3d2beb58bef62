import { runCli } from '../../support/cli.js';

/**
 * `passgeni certify --json` into `file://./app.env#<key>` in `dir` against a test issuer, with
 * `args` (`--target URI`, …); a failed run's stderr is parsed as the JSON error it is.
 */
export async function certifyInto(
  issuer: { url: string; apiKey: string },
  dir: string,
  key: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
) {
  const result = await runCli(
    [
      'certify',
      '--standard',
      'SOC2',
      '--store',
      `file://./app.env#${key}`,
      '--json',
      ...args,
      '--issuer-url',
      issuer.url,
      '--api-key',
      issuer.apiKey,
    ],
    { cwd: dir, env },
  );
  const error =
    result.code !== 0 && result.stderr ? (JSON.parse(result.stderr) as Record<string, unknown>) : {};
  return { ...result, error };
}

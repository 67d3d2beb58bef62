#!/usr/bin/env node
// `npm run lint` for GitHub Actions files: every workflow (.github/workflows, examples/workflows)
// and every action.yml is validated against the schemas of @action-validator (the same checks as
// its CLI), and every third-party action a workflow uses is pinned to a full commit SHA with the
// release it is in a comment (`owner/repo@<40 hex> # v1.2.3`): a tag can be moved, a commit cannot.
import { validateAction, validateWorkflow } from '@action-validator/core';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));

// GitHub runs JavaScript actions on these; @action-validator 0.6.0's schema predates node24, so
// `runs.using` is checked here and the rest of the file by the schema.
const NODE_RUNTIMES = ['node24'];
// This project's own actions, which the examples name by their major tag (moved by the release
// workflow); `<owner>` is the placeholder the examples ask the reader to fill in.
const OWN_ACTION = /^(<owner>|[\w.-]+)\/passgeni(\/actions\/[\w-]+)?@v\d+$/;
const PINNED = /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/;

const workflows = ['.github/workflows', 'examples/workflows'].flatMap((dir) => yamlFiles(dir));
const actions = [
  'action.yml',
  ...readdirSync('actions').map((name) => join('actions', name, 'action.yml')),
].filter((file) => existsSync(file));

const problems = [];
// Permissions GitHub added after @action-validator 0.6.0's schema (attestations: write, for
// artifact attestations): checked here, and taken out of what the schema sees.
const NEWER_PERMISSIONS = { attestations: ['read', 'write', 'none'] };
for (const file of workflows) {
  const source = readFileSync(file, 'utf8');
  report(file, validateWorkflow(withoutNewerPermissions(file, source)).errors);
  checkPins(file, source);
}

function withoutNewerPermissions(file, source) {
  const doc = parseDocument(source);
  const scopes = [['permissions']];
  const jobs = doc.get('jobs');
  for (const item of jobs?.items ?? []) scopes.push(['jobs', item.key.value, 'permissions']);
  for (const path of scopes) {
    for (const [name, allowed] of Object.entries(NEWER_PERMISSIONS)) {
      const value = doc.getIn([...path, name]);
      if (value === undefined) continue;
      if (!allowed.includes(value))
        problems.push(`${file}: ${path.join('.')}.${name} is ${value}; use ${allowed.join(', ')}`);
      doc.deleteIn([...path, name]);
    }
  }
  return doc.toString();
}
for (const file of actions) {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const using = doc.getIn(['runs', 'using']);
  if (typeof using === 'string' && using.startsWith('node')) {
    if (!NODE_RUNTIMES.includes(using))
      problems.push(`${file}: runs.using is ${using}; use ${NODE_RUNTIMES.join(' or ')}`);
    doc.setIn(['runs', 'using'], 'node20'); // a runtime the schema knows, so it checks everything else
  }
  report(file, validateAction(doc.toString()).errors);
}

if (problems.length > 0) {
  console.error(problems.join('\n'));
  console.error(`\n${problems.length} problem(s) in GitHub Actions files`);
  process.exit(1);
}
console.log(
  `GitHub Actions files: ${workflows.length} workflows and ${actions.length} actions valid, third-party actions pinned`,
);

function yamlFiles(dir) {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => join(dir, f))
    : [];
}

function report(file, errors) {
  for (const error of errors) {
    const where = error.path ?? (error.location ? `line ${error.location.line}` : '');
    problems.push(`${file}: ${where} ${error.title}${error.detail ? `: ${error.detail}` : ''}`);
  }
}

function checkPins(file, source) {
  for (const [index, line] of source.split('\n').entries()) {
    const match = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
    if (match === null) continue;
    const [, target, rest] = match;
    if (target.startsWith('./') || OWN_ACTION.test(target)) continue;
    if (!PINNED.test(target)) {
      problems.push(`${file}:${index + 1}: ${target} is not pinned to a full commit SHA`);
    } else if (!/#\s*v\d+\.\d+\.\d+/.test(rest)) {
      problems.push(`${file}:${index + 1}: ${target} has no "# vX.Y.Z" comment naming its release`);
    }
  }
}

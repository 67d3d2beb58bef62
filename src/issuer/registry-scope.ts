import type { IssuerContext } from './context.js';
import { IssuerServiceError } from './errors.js';
import type { Authorized } from './guard.js';

/**
 * Whose rows a registry read (certificates list, audit trail) may return. A team key reads its
 * own team; an admin key (`passgeni api-key create --admin`) reads every team, or the one it names.
 * The in-process caller (the local issuer, run by whoever holds the data directory and so the
 * database itself) is an admin too: refusing it would protect nothing.
 */
export interface RegistryScope {
  /** The team to read, or null for every team (admins only). */
  teamId: string | null;
  admin: boolean;
}

export async function registryScope(
  ctx: IssuerContext,
  who: Authorized,
  team: string | undefined,
): Promise<RegistryScope> {
  const [caller] = await ctx.db.query<{ admin: boolean | null; team_name: string }>(
    `SELECT (SELECT a.admin FROM api_keys a WHERE a.id = $1::text) AS admin, t.name AS team_name
     FROM teams t WHERE t.id = $2::text`,
    [who.keyId, who.teamId],
    { name: 'passgeni_registry_caller' },
  );
  const admin = who.keyId === null || caller?.admin === true;
  if (team === undefined) return { teamId: admin ? null : who.teamId, admin };
  if (!admin) {
    if (team === caller?.team_name) return { teamId: who.teamId, admin };
    throw new IssuerServiceError(
      'ADMIN_REQUIRED',
      403,
      "Only an admin key may read another team's registry; leave out `team` to read your own (an operator creates admin keys with `passgeni api-key create --team NAME --admin`).",
    );
  }
  const [found] = await ctx.db.query<{ id: string }>('SELECT id FROM teams WHERE name = $1::text', [team], {
    name: 'passgeni_registry_team',
  });
  if (!found) {
    throw new IssuerServiceError(
      'TEAM_UNKNOWN',
      400,
      `This issuer has no team named "${team}" (see \`passgeni api-key list\` for its teams).`,
    );
  }
  return { teamId: found.id, admin };
}

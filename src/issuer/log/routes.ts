import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseTileIndexPath, TILE_WIDTH } from '../../certificate/transparency/checkpoint.js';
import { IssuerServiceError } from '../errors.js';
import type { TransparencyLog } from './log.js';

const JSON_TYPE = 'application/json; charset=utf-8';

function tileNotFound(): IssuerServiceError {
  return new IssuerServiceError(
    'LOG_TILE_NOT_FOUND',
    404,
    'No such tile: the path is not a C2SP tlog-tiles path, or the log does not have that many entries yet (read /log/checkpoint for its size).',
  );
}

/** `<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]`. */
function parseTilePath(
  path: string,
): { level: number | 'entries'; index: number; width: number; partial: boolean } | undefined {
  const [head = '', widthText, ...extra] = path.split('.p/');
  if (extra.length > 0) return undefined;
  const slash = head.indexOf('/');
  const levelText = head.slice(0, slash);
  const level =
    levelText === 'entries' ? 'entries' : /^[0-7]$/.test(levelText) ? Number(levelText) : undefined;
  const index = parseTileIndexPath(head.slice(slash + 1));
  if (slash < 0 || level === undefined || index === undefined) return undefined;
  if (widthText === undefined) return { level, index, width: TILE_WIDTH, partial: false };
  if (!/^[1-9][0-9]{0,2}$/.test(widthText) || Number(widthText) >= TILE_WIDTH) return undefined;
  return { level, index, width: Number(widthText), partial: true };
}

function queryOf(request: FastifyRequest): Record<string, unknown> {
  return (request.query ?? {}) as Record<string, unknown>;
}

/**
 * The log's public endpoints (docs/transparency.md): the checkpoint, tlog tiles and entry
 * bundles, consistency proofs and a certificate's inclusion proof. No authentication: the log is
 * public by design, and none of it carries anything but certificates and revocations.
 */
export function registerLogRoutes(app: FastifyInstance, log: TransparencyLog): void {
  app.get('/log/checkpoint', async (_request, reply) => {
    const { note } = await log.checkpoint();
    return reply
      .type('text/plain; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('access-control-allow-origin', '*')
      .send(note);
  });

  app.get('/log/tile/*', async (request, reply) => {
    const parsed = parseTilePath((request.params as { '*'?: string })['*'] ?? '');
    if (!parsed) throw tileNotFound();
    const body =
      parsed.level === 'entries'
        ? await log.entryBundle(parsed.index, parsed.width)
        : await log.tile(parsed.level, parsed.index, parsed.width);
    if (!body) throw tileNotFound();
    return (
      reply
        .type('application/octet-stream')
        // a tile never changes once written: a full one is final, a partial one is a prefix
        .header(
          'cache-control',
          parsed.partial ? 'public, max-age=60' : 'public, max-age=31536000, immutable',
        )
        .header('access-control-allow-origin', '*')
        .send(body)
    );
  });

  app.get('/log/proof/consistency', async (request, reply) => {
    const { from, to } = queryOf(request);
    const proof = await log.consistency(from, to);
    return reply.type(JSON_TYPE).header('access-control-allow-origin', '*').send(proof);
  });

  app.get('/api/v1/certificates/:id/inclusion', async (request, reply) => {
    const proof = await log.inclusion((request.params as { id: string }).id);
    return reply.type(JSON_TYPE).header('access-control-allow-origin', '*').send(proof);
  });
}

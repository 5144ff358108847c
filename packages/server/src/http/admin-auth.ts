/**
 * The admin guard. The token is compared as SHA-256 digests with `timingSafeEqual`: both sides
 * are always 32 bytes, so neither the comparison's time nor a length check tells an attacker how
 * much of a guess was right, or how long the token is.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem, sendProblem } from './problem';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** True when `header` is `Bearer <token>` for the configured token; always false with none configured. */
export function isAdminAuthorised(header: string | undefined, token: string | undefined): boolean {
  if (!token || !header?.startsWith('Bearer ')) return false;
  return timingSafeEqual(digest(header.slice(7)), digest(token));
}

/** An onRequest hook answering 401 (problem document, `WWW-Authenticate: Bearer`) without the token. */
export function adminGuard(token: string | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (isAdminAuthorised(request.headers.authorization, token)) return undefined;
    reply.header('www-authenticate', 'Bearer');
    return sendProblem(
      reply,
      new HttpProblem(
        401,
        'UNAUTHORIZED',
        token
          ? 'admin routes need Authorization: Bearer <admin token>'
          : 'admin routes are off: set DAZZLE_ADMIN_TOKEN (or server.adminToken) and send it as a Bearer token',
      ),
    );
  };
}

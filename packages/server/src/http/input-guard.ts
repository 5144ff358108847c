/**
 * Checks every request's body and query string before validation, whatever the route: a string
 * with a NUL byte (PostgreSQL text cannot hold one) or a value nested deeper than MAX_DEPTH (no
 * entity needs it, and deep recursion is how a small body becomes a crash) is a 400 naming the
 * field. The walk is iterative, so the guard itself cannot overflow the stack.
 */
import type { FastifyRequest } from 'fastify';
import { HttpProblem } from './problem';

export const MAX_DEPTH = 32;

interface Pending {
  value: unknown;
  path: string;
  depth: number;
}

function join(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

/** The first problem in a parsed value, or undefined. */
export function findInputProblem(root: unknown, rootPath: string): HttpProblem | undefined {
  const stack: Pending[] = [{ value: root, path: rootPath, depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000'))
        return new HttpProblem(400, 'VALIDATION_FAILED', `${path || 'the body'} contains a NUL byte`, path);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_DEPTH)
      return new HttpProblem(
        400,
        'VALIDATION_FAILED',
        `${path || 'the body'} is nested more than ${MAX_DEPTH} levels deep`,
        path,
      );
    const entries: Array<[string | number, unknown]> = Array.isArray(value)
      ? value.map((item, index) => [index, item])
      : Object.entries(value);
    for (const [key, child] of entries) {
      if (typeof key === 'string' && key.includes('\u0000'))
        return new HttpProblem(400, 'VALIDATION_FAILED', `a property name contains a NUL byte`, path);
      stack.push({ value: child, path: join(path, key), depth: depth + 1 });
    }
  }
  return undefined;
}

/** A preValidation hook for the root instance. */
export async function guardInput(request: FastifyRequest): Promise<void> {
  const problem = findInputProblem(request.query, '') ?? findInputProblem(request.body, '');
  if (problem) throw problem;
}

/**
 * HTTP basic authentication against bcrypt hashes, done the way the Prometheus exporter toolkit
 * does it. An unknown user is checked against a hash of the same cost, so response times do not
 * tell which users exist. Comparisons run one at a time, because bcrypt is slow on purpose and
 * many guesses at once must not starve the event loop. Outcomes are cached, so scraping every few
 * seconds costs one bcrypt per credential instead of one per scrape.
 */
import { createHash, randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';

const CACHE_ENTRIES = 100;

/** Resolves true when the Authorization header names a configured user and their password. */
export type BasicAuth = (authorization: string | undefined) => Promise<boolean>;

export function createBasicAuth(users: ReadonlyMap<string, string>): BasicAuth {
  const rounds = bcrypt.getRounds([...users.values()][0]!);
  const unknownUserHash = bcrypt.hash(randomBytes(18).toString('base64'), rounds);
  // Keys are digests, so the cache does not keep passwords in memory.
  const cache = new Map<string, boolean>();
  let queue: Promise<unknown> = Promise.resolve();

  const compare = (password: string, hash: string): Promise<boolean> => {
    const result = queue.then(() => bcrypt.compare(password, hash));
    queue = result.catch(() => undefined);
    return result;
  };

  return async (authorization) => {
    const match = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
    if (!match) return false;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const known = users.get(user);
    const hash = known ?? (await unknownUserHash);
    const key = createHash('sha256').update(user).update('\0').update(hash).update('\0').update(password).digest('hex');
    let ok = cache.get(key);
    if (ok === undefined) {
      // Compare first, then check the user: an unknown user must take as long as a known one.
      const matches = await compare(password, hash);
      ok = known !== undefined && matches;
      if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
      cache.set(key, ok);
    }
    return ok;
  };
}

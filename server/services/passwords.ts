import { hash, hashSync, verify } from '@node-rs/bcrypt';

/**
 * Password hashes: bcrypt at cost 10, computed natively on libuv's thread pool
 * (`@node-rs/bcrypt`). The pure-JS bcryptjs this replaced ran every hash on the
 * server's one thread: four logins at once held every claim and label for
 * ~0.5 s. New hashes are `$2y$10$…`, the same algorithm as bcryptjs's `$2b$`, and
 * the `$2b$` hashes stored before still verify. Pinned at 1.10.7: 2.0.0's
 * per-platform packages are missing from the registry, which breaks `npm ci`.
 */
export const PASSWORD_COST = 10;

/** A real hash of nothing anyone can type, made once when first needed: an unknown email costs the same time as a wrong password. */
let nobody: Promise<string> | undefined;

export const passwords = {
  hash: (password: string): Promise<string> => hash(password, PASSWORD_COST),
  /** False for a wrong password and for a stored value that is not a bcrypt hash. */
  verify: (password: string, stored: string): Promise<boolean> => verify(password, stored),
  /** Spends a verification's time on nothing (an unknown email). */
  spend: async (password: string): Promise<void> => { await verify(password, await (nobody ??= hash(`nobody-${process.pid}-${Date.now()}`, PASSWORD_COST))); },
  hashSync: (password: string): string => hashSync(password, PASSWORD_COST),
};

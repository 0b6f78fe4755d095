import { describe, expect, it } from 'vitest';
import { passwords } from '../../../server/services/passwords';

/** Made by bcryptjs 3.0.3 (the library before), as older databases store them. */
const STORED_BY_BCRYPTJS = '$2b$10$fH9LoQK6XYSuThrVL8mbDOqFzm/3Xe5kdSbxprrnyg3x0XOsm2qma';

describe('password hashes', () => {
  it('verifies what it hashed, and nothing else', async () => {
    const h = await passwords.hash('password123');
    expect(h).toMatch(/^\$2[by]\$10\$/);
    expect(await passwords.verify('password123', h)).toBe(true);
    expect(await passwords.verify('password124', h)).toBe(false);
  });

  it('still verifies the hashes the pure-JS library stored', async () => {
    expect(await passwords.verify('correct horse', STORED_BY_BCRYPTJS)).toBe(true);
    expect(await passwords.verify('correct horsf', STORED_BY_BCRYPTJS)).toBe(false);
  });

  it('refuses a stored value that is not a hash instead of throwing', async () => {
    expect(await passwords.verify('x', 'not a hash')).toBe(false);
    expect(await passwords.verify('x', '')).toBe(false);
  });

  it('leaves the event loop free while it hashes: other requests go on during a burst of logins', async () => {
    let turns = 0;
    let done = false;
    const spin = () => { turns++; if (!done) setImmediate(spin); };
    setImmediate(spin);
    await Promise.all([1, 2, 3, 4].map(() => passwords.spend('wrong password')));
    done = true;
    // Four cost-10 verifications take tens of ms each; on the loop's own thread (bcryptjs) it turned once or twice.
    expect(turns).toBeGreaterThan(20);
  });
});

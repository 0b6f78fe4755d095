import { describe, expect, it } from 'vitest';
import { inviteRefusal, inviteState, memberChangeRefusal } from '../../../lib/members/rules';

const admin = { userRole: 'admin' as const, projectRole: null };
const lead = { userRole: 'user' as const, projectRole: 'lead' as const };
const annotator = { userRole: 'user' as const, projectRole: 'annotator' as const };

describe('who may change a membership', () => {
  it('lets an admin make, change and remove anyone', () => {
    expect(memberChangeRefusal(admin, null, 'lead')).toBeNull();
    expect(memberChangeRefusal(admin, 'lead', null)).toBeNull();
    expect(memberChangeRefusal(admin, 'annotator', 'lead')).toBeNull();
  });

  it('lets a lead add and remove annotators but never make or touch a lead', () => {
    expect(memberChangeRefusal(lead, null, 'annotator')).toBeNull();
    expect(memberChangeRefusal(lead, 'annotator', null)).toBeNull();
    expect(memberChangeRefusal(lead, 'annotator', 'lead')).toMatch(/Only an admin can make someone a lead/);
    expect(memberChangeRefusal(lead, 'lead', 'annotator')).toMatch(/Only an admin can change or remove a lead/);
    expect(memberChangeRefusal(lead, 'lead', null)).toMatch(/Only an admin/);
  });

  it('refuses annotators and outsiders with one sentence', () => {
    expect(memberChangeRefusal(annotator, 'annotator', null)).toBe('Only admins and this project\'s leads manage its members.');
    expect(memberChangeRefusal({ userRole: 'user', projectRole: null }, null, 'annotator')).toMatch(/Only admins/);
  });
});

describe('who may invite how', () => {
  it('lets a lead send annotators a link, nothing more', () => {
    expect(inviteRefusal(lead, 'annotator', 'link')).toBeNull();
    expect(inviteRefusal(lead, 'lead', 'link')).toMatch(/Only an admin can invite a lead/);
    expect(inviteRefusal(lead, 'annotator', 'password')).toMatch(/send a link instead/);
    expect(inviteRefusal(admin, 'lead', 'password')).toBeNull();
    expect(inviteRefusal(annotator, 'annotator', 'link')).toMatch(/Only admins/);
  });
});

describe('where an invite stands', () => {
  const at = new Date('2026-12-02T12:00:00Z');
  const open = { usedAt: null, revokedAt: null, expiresAt: new Date('2026-12-03T00:00:00Z') };
  it('is open until used, withdrawn or past its expiry, used winning over the rest', () => {
    expect(inviteState(open, at)).toBe('open');
    expect(inviteState({ ...open, expiresAt: at }, at)).toBe('expired');
    expect(inviteState({ ...open, revokedAt: at }, at)).toBe('revoked');
    expect(inviteState({ ...open, usedAt: at, revokedAt: at, expiresAt: at }, at)).toBe('used');
  });
});

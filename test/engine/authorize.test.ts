import { describe, expect, it } from 'vitest';
import { PETITION_ACCESS } from '../../workflows/access-policy';
import { authorize, type AccessFacts, type StaffCaller } from '../../workflows/engine';

/** A petition handled by body H, now in review (Art. 35) routed to body S (H's superior by the registry). */
const inReview: AccessFacts = {
  petitionId: 'P1',
  handlingBody: 'H',
  confidential: false,
  concerns: null,
  holderBody: 'S',
  handledBy: ['H', 'S'],
  mayActNow: (role) => role === 'superior',
  actedBefore: (role) => role === 'department',
};

/** A petition held by body H, no superior involved yet. */
const atHandler: AccessFacts = {
  ...inReview,
  holderBody: 'H',
  handledBy: ['H'],
  mayActNow: (role) => role === 'department',
  actedBefore: () => false,
};

const superior = (department: string, subordinates?: string[]): StaffCaller => ({
  kind: 'staff',
  role: 'superior',
  sub: `u-${department}`,
  department,
  ...(subordinates && { subordinates }),
});

const sees = (caller: StaffCaller, facts: AccessFacts) =>
  authorize(PETITION_ACCESS, caller, facts, undefined) === undefined;

describe('authorize: superiors', () => {
  it('without subordinates (an older caller, or no department registered) keeps the unscoped rule: any superior sees what awaits a superior or what a superior acted on (Art. 35–36)', () => {
    expect(sees(superior('X'), inReview)).toBe(true);
    expect(sees(superior('X'), atHandler)).toBe(false);
  });

  it('with subordinates, sees what a direct subordinate body handled, even before any superior is involved', () => {
    expect(sees(superior('S', ['H']), atHandler)).toBe(true);
    expect(sees(superior('G', ['S']), atHandler)).toBe(false);
  });

  it('with subordinates, sees the review routed to its own body (Art. 35), and not one routed to another body', () => {
    expect(sees(superior('S', []), inReview)).toBe(true);
    expect(sees(superior('R', []), inReview)).toBe(false);
    // S's superior sees it once S has handled it (it would re-review it, Art. 36).
    expect(sees(superior('G', ['S']), inReview)).toBe(true);
  });

  it('refuses with the same not_found refusal as for a petition that does not exist', () => {
    expect(authorize(PETITION_ACCESS, superior('R', []), inReview, undefined)).toEqual({
      type: 'NotFound',
      message: expect.stringContaining('No petition P1 that you may see'),
    });
  });

  it('never shows a report to a superior of the body it concerns (Art. 30), whatever its subordinates', () => {
    const report = { ...atHandler, confidential: true, concerns: 'S' };
    expect(sees(superior('S', ['H']), report)).toBe(false);
  });
});

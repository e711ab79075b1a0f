// Proves how a feed request's type prefixes meet an integrator's scopes: exactly the types both admit (the longer prefix where one extends the other, nothing where they never meet), and any type for a caller without scopes.
import { effectiveTypePrefixes } from './feed-filter';

describe('effectiveTypePrefixes', () => {
  it.each([
    [[], undefined, undefined],
    [['Disbursement'], undefined, ['Disbursement']],
    [[], ['Disbursement', 'Allocation'], ['Disbursement', 'Allocation']],
    [['DisbursementPaid'], ['Disbursement'], ['DisbursementPaid']],
    [['Disb'], ['Disbursement', 'Allocation'], ['Disbursement']],
    [['Funds'], ['Disbursement'], []],
    [
      ['Allocation', 'DisbursementPaid'],
      ['Disbursement', 'AllocationSent'],
      ['DisbursementPaid', 'AllocationSent'],
    ],
  ])('asked %j with scopes %j → %j', (asked, scopes, expected) => {
    const prefixes = effectiveTypePrefixes(asked, scopes);
    expect(prefixes === undefined ? undefined : [...prefixes].sort()).toEqual(
      expected === undefined ? undefined : [...expected].sort(),
    );
  });
});

// Proves that a document's token moves exactly when a reported commit changed it (or, for one no
// longer remembered, when the bound under which it last changed rises), and is unknown before
// any commit was reported.
import { DocumentChanges } from './document-changes';

const position = (n: number) => String(n).padStart(20, '0');
const commit = (from: number | undefined, to: number, changedKeys: string[]) => ({
  projection: 'dashboards',
  version: 2000,
  previousPosition: from === undefined ? undefined : position(from),
  position: position(to),
  changedKeys,
});

describe('DocumentChanges', () => {
  it('knows nothing before the first commit, then moves a token only with its document', () => {
    const changes = new DocumentChanges(2000);
    expect(changes.token('dashboards', '530325')).toBeUndefined();
    changes.record(commit(10, 12, ['dashboards/530325', 'dashboards/53']));
    const county = changes.token('dashboards', '530325');
    const untouched = changes.token('dashboards', '530325102');
    expect(county).toBe(`2000@=${position(12)}`);
    expect(untouched).toBe(`2000@≤${position(10)}`);
    changes.record(commit(12, 15, ['dashboards/53']));
    expect(changes.token('dashboards', '530325')).toBe(county);
    expect(changes.token('dashboards', '530325102')).toBe(untouched);
    changes.record(commit(15, 16, ['dashboards/530325']));
    expect(changes.token('dashboards', '530325')).not.toBe(county);
  });

  it('forgets the least recently changed beyond its bound, and their tokens move with the floor', () => {
    const changes = new DocumentChanges(2000, 2);
    changes.record(commit(undefined, 1, ['c/a']));
    changes.record(commit(1, 2, ['c/b']));
    const b = changes.token('c', 'b');
    changes.record(commit(2, 3, ['c/c']));
    expect(changes.token('c', 'a')).toBe(`2000@≤${position(1)}`);
    expect(changes.token('c', 'b')).toBe(b);
    expect(changes.token('c', 'never')).toBe(`2000@≤${position(1)}`);
  });
});

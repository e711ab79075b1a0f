// Proves that one person's findings are filed under one ID number however it was written: full-width
// digits, a lowercase or full-width x and spaces anywhere all give the key the findings read model
// stores (subjectIdNumber), so a household card or a person's history asking with the half-width
// form finds a finding raised on a roster line that wrote it otherwise.
import fc from 'fast-check';
import type { RecordedEvent } from '@sunlight/event-store';
import { makeIdNumber } from '@sunlight/geo';
import {
  findingsProjection,
  findingSubjectIdNumber,
  type FindingDocument,
} from './findings.projection';

const fullWidthZero = 0xff10;
/** A valid ID number whose check character is X. */
const withX = makeIdNumber('530325', '19800101', '007');

/** The ID number as a roster might write it: some digits full-width, the x in any case, spaces. */
const writtenAnyhow = (idNumber: string) =>
  fc
    .tuple(
      fc.array(fc.boolean(), { minLength: idNumber.length, maxLength: idNumber.length }),
      fc.array(fc.constantFrom('', ' ', '\u3000', '\t'), {
        minLength: idNumber.length + 1,
        maxLength: idNumber.length + 1,
      }),
      fc.constantFrom('X', 'x', 'Ｘ', 'ｘ'),
    )
    .map(([fullWidth, spaces, x]) =>
      [...idNumber]
        .map((char, i) => {
          const written =
            char === 'X'
              ? x
              : fullWidth[i]
                ? String.fromCharCode(fullWidthZero + Number(char))
                : char;
          return spaces[i] + written;
        })
        .join('')
        .concat(spaces[idNumber.length] ?? ''),
    );

describe('findingSubjectIdNumber', () => {
  it('given an ID number in its usual form, when filed, then it is kept as it is', () => {
    expect(withX).toBe('53032519800101007X');
    expect(findingSubjectIdNumber(withX)).toBe(withX);
  });

  it('given full-width digits, a lowercase x and spaces, when filed, then the usual form results', () => {
    expect(findingSubjectIdNumber(' ５３０３２５ 1980 0101 007x ')).toBe(withX);
  });

  it('given any way of writing one ID number, when filed, then every way gives the same key', () => {
    fc.assert(
      fc.property(writtenAnyhow(withX), (written) => {
        expect(findingSubjectIdNumber(written)).toBe(withX);
      }),
    );
  });

  it('given a finding raised on an ID number written with full-width digits, when projected, then it is filed under the usual form', () => {
    const raised = {
      streamName: 'finding-fd-1',
      type: 'FindingRaised',
      eventId: 'ev-1',
      revision: 0n,
      position: '1',
      recordedAt: new Date('2019-04-01T00:00:00Z'),
      metadata: { occurredAt: '2019-04-01T08:00:00+08:00' },
      data: {
        findingId: 'fd-1',
        ruleId: 'vehicle-owner',
        ruleVersion: 2,
        divisionCode: '530325102202',
        subject: {
          id: 'ros-1#3',
          name: '李四',
          idNumber: '５３０３２５19800101 007ｘ',
          fundId: 'yn-2019-wgai',
          purpose: '危房改造',
          period: '2019年',
        },
        related: [],
        registryRows: [],
        parameters: {},
        explanation: { summary: '名下有小型轿车' },
        checkId: 'job-1',
        raisedBy: { id: 'jw-530325', role: 'commission', division: '530325' },
      },
    } as unknown as RecordedEvent;
    const key = { collection: 'findings', id: 'fd-1' };
    const document = findingsProjection.apply(
      undefined,
      raised,
      key,
      () => undefined,
    ) as FindingDocument;
    expect(document.subjectIdNumber).toBe(withX);
  });
});

// An event's Merkle leaf is built from the very bytes the hash chain hashes, and its leaf index is
// its log position less one.
import { createHash } from 'node:crypto';
import { chainHash, genesisHash, type ChainedEventFields } from '../hash-chain';
import { eventLeafBytes, eventLeafHash, leafIndexOfPosition } from './event-leaf';
import { InvalidTreeNumberError } from './merkle.errors';
import { hashLeaf } from './rfc6962';

const event: ChainedEventFields = {
  position: '7',
  stream: 'fund-2026-yunnan',
  revision: '0',
  id: '0b0f9d3e-8a59-4f5e-9d1c-2f1a7c7e0c11',
  type: 'FundLineOpened',
  data: { nameZh: '扶贫专项资金', amountFen: '1250000' },
  metadata: { actor: 'u-1', reason: 'opening' },
  recordedAt: '2026-01-05T08:00:00.000Z',
};

describe('event leaves', () => {
  it('are the bytes the chain hashes after the previous hash', () => {
    const chained = createHash('sha256').update(genesisHash).update(eventLeafBytes(event)).digest();
    expect(chained).toEqual(chainHash(genesisHash, event));
    expect(eventLeafHash(event)).toEqual(hashLeaf(eventLeafBytes(event)));
  });

  it('are UTF-8 RFC 8785 text of the chained fields, keys in order', () => {
    expect(eventLeafBytes(event).toString('utf8')).toBe(
      '{"data":{"amountFen":"1250000","nameZh":"扶贫专项资金"},' +
        '"id":"0b0f9d3e-8a59-4f5e-9d1c-2f1a7c7e0c11","metadata":{"actor":"u-1","reason":"opening"},' +
        '"position":"7","recordedAt":"2026-01-05T08:00:00.000Z","revision":"0",' +
        '"stream":"fund-2026-yunnan","type":"FundLineOpened"}',
    );
  });

  it('sit at index position − 1', () => {
    expect(leafIndexOfPosition('1')).toBe(0);
    expect(leafIndexOfPosition(1_000_000n)).toBe(999_999);
    expect(leafIndexOfPosition('9007199254740992')).toBe(Number.MAX_SAFE_INTEGER);
    for (const bad of ['0', '-1', '01', '1.5', '', '9007199254740993']) {
      expect(() => leafIndexOfPosition(bad)).toThrow(InvalidTreeNumberError);
    }
    expect(() => leafIndexOfPosition(0n)).toThrow(InvalidTreeNumberError);
  });
});

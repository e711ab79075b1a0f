import { createHash } from 'node:crypto';
import { canonicalEventText, chainHash, eventHashes, genesisHash } from './hash-chain';
import { eventLeafBytes, eventLeafHash } from './merkle/event-leaf';

const event = {
  position: '7',
  stream: 'pool-530325',
  revision: '3',
  id: '0b8f3c1e-6c39-4a35-9a53-2b8a8f6f2b1d',
  type: 'DisbursementRecorded',
  data: { amountFen: '180000', beneficiary: { name: '张三', idNumber: '53032519800101001X' } },
  metadata: { actor: { id: 'u-1', role: 'finance' } },
  recordedAt: '2026-12-03T08:00:00.123Z',
};

describe('eventHashes', () => {
  it('gives the chain hash, the leaf hash and the text of one event, as the definitions do', () => {
    const previous = createHash('sha256').update('the event before').digest();
    const hashes = eventHashes(previous, event);
    const text = Buffer.from(canonicalEventText(event), 'utf8');
    expect(hashes.text.equals(text)).toBe(true);
    expect(hashes.text.equals(eventLeafBytes(event))).toBe(true);
    expect(hashes.chain.equals(createHash('sha256').update(previous).update(text).digest())).toBe(
      true,
    );
    expect(hashes.chain.equals(chainHash(previous, event))).toBe(true);
    expect(
      hashes.leaf.equals(createHash('sha256').update(Buffer.of(0)).update(text).digest()),
    ).toBe(true);
    expect(hashes.leaf.equals(eventLeafHash(event))).toBe(true);
  });

  it('leaves the previous hash as it was, and refuses one that is not 32 bytes', () => {
    const previous = Buffer.from(genesisHash);
    eventHashes(previous, event);
    expect(previous.equals(genesisHash)).toBe(true);
    expect(() => eventHashes(Buffer.alloc(31), event)).toThrow(RangeError);
  });
});

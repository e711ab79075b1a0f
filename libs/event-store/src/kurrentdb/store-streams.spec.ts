// Proves the names of the KurrentDB adapter's own streams, the server-side regex that hides them (and system streams) from `$all` reads, evaluated with the same lookahead JavaScript shares with .NET, and the derived event ids that make retried writes idempotent.
import {
  applicationStreamsRegex,
  derivedEventId,
  isStoreStream,
  storeStreamName,
} from './store-streams';

describe("the store's own streams", () => {
  it('names each kind apart, by a hash of the name', () => {
    const names = (['claim', 'snapshot', 'checkpoint'] as const).map((kind) =>
      storeStreamName(kind, 'pool-F1-530325'),
    );
    expect(new Set(names).size).toBe(3);
    for (const name of names) {
      expect(isStoreStream(name)).toBe(true);
      expect(name).toMatch(/^sunlight-store-(claim|snapshot|checkpoint)-[0-9a-f]{64}$/);
    }
    expect(isStoreStream('pool-F1-530325')).toBe(false);
    expect(isStoreStream('sunlight-chain')).toBe(false);
  });

  it.each([
    ['pool-F1-530325', true],
    ['sunlight-chain', true],
    ['household-1', true],
    ['$stats-127.0.0.1:2113', false],
    ['$$pool-F1', false],
    ['$et-AllocationSent', false],
    [storeStreamName('claim', 'transfer:T1'), false],
    [storeStreamName('snapshot', 'pool-1'), false],
  ])('the server-side regex lets %s through: %s', (stream, passes) => {
    expect(new RegExp(applicationStreamsRegex).test(stream)).toBe(passes);
  });

  it('derives the same UUID from the same parts, another from other parts', () => {
    const id = derivedEventId('sunlight-chain', '1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(derivedEventId('sunlight-chain', '1')).toBe(id);
    expect(derivedEventId('sunlight-chain', '2')).not.toBe(id);
  });
});

// Proves that a subscription's side messages (caught up, checkpoints) come out after exactly the events the server sent before them, even while those events still sit in the stream's buffer, and that a slow consumer is held back by the stream rather than by an unbounded queue. Uses a real object-mode Node stream, the client's subscription's base class.
import { PassThrough } from 'node:stream';
import { OrderedMessages, type ReadableSource } from './ordered-messages';

type Out = string;

function source(): PassThrough {
  return new PassThrough({ objectMode: true, highWaterMark: 4 });
}

async function drain(
  queue: OrderedMessages<number, Out>,
  signal: AbortSignal,
  until: (seen: string[]) => boolean,
): Promise<string[]> {
  const seen: string[] = [];
  for await (const entry of queue.entries(signal)) {
    seen.push(entry.kind === 'item' ? `e${entry.item}` : entry.message);
    if (until(seen)) break;
  }
  return seen;
}

describe('OrderedMessages', () => {
  it('places a side message after the events that were buffered when it arrived', async () => {
    const stream = source();
    const queue = new OrderedMessages<number, Out>(stream as unknown as ReadableSource<number>);
    stream.write(1);
    stream.write(2);
    stream.write(3);
    queue.addSideMessage('caughtUp');
    stream.write(4);
    queue.addSideMessage('checkpoint');
    stream.end();
    const seen = await drain(queue, new AbortController().signal, () => false);
    expect(seen).toEqual(['e1', 'e2', 'e3', 'caughtUp', 'e4', 'checkpoint']);
  });

  it('hands on a side message at once when no event is pending (a filter skipping everything)', async () => {
    const stream = source();
    const queue = new OrderedMessages<number, Out>(stream as unknown as ReadableSource<number>);
    const controller = new AbortController();
    const seen: string[] = [];
    const consumer = (async () => {
      for await (const entry of queue.entries(controller.signal)) {
        seen.push(entry.kind === 'item' ? `e${entry.item}` : entry.message);
        if (seen.length === 2) controller.abort();
      }
    })();
    await new Promise((resolve) => setImmediate(resolve));
    queue.addSideMessage('checkpoint-1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['checkpoint-1']);
    queue.addSideMessage('checkpoint-2');
    await consumer;
    expect(seen).toEqual(['checkpoint-1', 'checkpoint-2']);
  });

  it('ends when the signal aborts, even while waiting, and lets go of the stream', async () => {
    const stream = source();
    const queue = new OrderedMessages<number, Out>(stream as unknown as ReadableSource<number>);
    const controller = new AbortController();
    const consumer = drain(queue, controller.signal, () => false);
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await expect(consumer).resolves.toEqual([]);
    expect(stream.listenerCount('readable')).toBe(0);
    expect(stream.listenerCount('error')).toBe(0);
  });

  it('delivers what was sent before an error, then throws it', async () => {
    const stream = source();
    const queue = new OrderedMessages<number, Out>(stream as unknown as ReadableSource<number>);
    stream.write(1);
    const seen: string[] = [];
    const consumer = (async () => {
      for await (const entry of queue.entries(new AbortController().signal)) {
        seen.push(entry.kind === 'item' ? `e${entry.item}` : entry.message);
        if (seen.length === 1) stream.destroy(new Error('connection reset'));
      }
    })();
    await expect(consumer).rejects.toThrow('connection reset');
    expect(seen).toEqual(['e1']);
  });

  it('reads only while its consumer asks: a slow consumer leaves the rest to the stream', async () => {
    const stream = source();
    const queue = new OrderedMessages<number, Out>(stream as unknown as ReadableSource<number>);
    const accepted: boolean[] = [];
    for (let i = 0; i < 10; i += 1) accepted.push(stream.write(i));
    // The stream's own buffer pushes back once full: the writer (the server) is told to wait.
    expect(accepted.at(-1)).toBe(false);
    const seen = await drain(queue, new AbortController().signal, (s) => s.length === 2);
    expect(seen).toEqual(['e0', 'e1']);
    // Nothing beyond what was consumed was taken off the stream: the rest is all still there.
    stream.end();
    const rest = new OrderedMessages<number, Out>(stream as unknown as ReadableSource<number>);
    expect(await drain(rest, new AbortController().signal, () => false)).toEqual(
      [2, 3, 4, 5, 6, 7, 8, 9].map((i) => `e${i}`),
    );
  });
});

/** The first item of an async iterable, or undefined; stops the iteration after it. */
export async function collectFirst<T>(iterable: AsyncIterable<T>): Promise<T | undefined> {
  for await (const item of iterable) return item;
  return undefined;
}

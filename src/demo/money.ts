/** "3500.00" (yuan with at most two decimals) as fen; the demo writes only amounts it made. */
export function parseYuanToFen(text: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (match === null) throw new Error(`not a yuan amount: ${text}`);
  return BigInt(match[1] as string) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
}

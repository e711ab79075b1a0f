import type { Pool } from 'pg';
import type { ChainHashes } from '../chain-hashes.port';
import type { GlobalPosition } from '../event-store.port';
import { decodePosition, encodePosition } from './positions';

/** The `hash` column of `events`, which `sunlight_append` writes under the append lock. */
export class PostgresChainHashes implements ChainHashes {
  constructor(private readonly pool: Pool) {}

  async chainHashesOf(
    positions: readonly GlobalPosition[],
  ): Promise<ReadonlyMap<GlobalPosition, string>> {
    if (positions.length === 0) return new Map();
    const { rows } = await this.pool.query<{ position: string; hash: string }>({
      name: 'sunlight_chain_hashes',
      text: "SELECT position::text, encode(hash, 'hex') AS hash FROM events WHERE position = ANY($1::bigint[])",
      values: [positions.map((position) => decodePosition(position).toString())],
    });
    return new Map(rows.map((row) => [encodePosition(row.position), row.hash]));
  }
}

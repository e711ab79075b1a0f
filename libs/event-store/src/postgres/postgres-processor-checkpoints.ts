import type { Pool } from 'pg';
import type { GlobalPosition } from '../event-store.port';
import type { ProcessorCheckpointStore } from '../processor-checkpoint.port';

export class PostgresProcessorCheckpoints implements ProcessorCheckpointStore {
  constructor(private readonly pool: Pool) {}

  async load(processor: string): Promise<GlobalPosition | undefined> {
    const { rows } = await this.pool.query<{ position: string }>(
      'SELECT position FROM processor_checkpoints WHERE processor = $1',
      [processor],
    );
    return rows[0]?.position;
  }

  async save(processor: string, position: GlobalPosition): Promise<void> {
    // Positions of one store compare as strings, so the guard keeps the checkpoint monotonic.
    await this.pool.query(
      `INSERT INTO processor_checkpoints (processor, position, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (processor) DO UPDATE SET position = EXCLUDED.position, updated_at = EXCLUDED.updated_at
       WHERE processor_checkpoints.position < EXCLUDED.position`,
      [processor, position],
    );
  }
}

import { Pool, type PoolConfig } from 'pg';
import { EventStoreUnavailableError } from '../errors';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  EventToAppend,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  SubscriptionMessage,
} from '../event-store.port';
import { AppendQueue, type AppendRow } from './append-queue';
import {
  appendSql,
  appendStatementName,
  eventColumns,
  toRecordedEvent,
  type EventRow,
} from './event-rows';
import {
  assertCount,
  liveScanIntervalMsDefault,
  LogSubscriptions,
  pollIntervalMsDefault,
  readPageSizeMax,
} from './log-subscription';
import { appRoleName, runMigrations } from './migrations';
import { encodePosition } from './positions';
import { toUnavailable } from './unavailable';

export interface PostgresEventStoreOptions {
  connectionString: string;
  poolSize?: number;
  /** Run pending migrations before use; default true. */
  migrate?: boolean;
  /**
   * The group role every connection acts as, set in its start-up packet so that no query ever
   * runs with the login's own rights: `sunlight_app` (the default) for the app, `sunlight_projector`
   * for projections and processors; false keeps the login's role (tools, tests).
   */
  role?: string | false;
  /** How often a live subscriber polls when no notification arrives. */
  pollIntervalMs?: number;
  /**
   * The least time between two scans of one live subscriber; notifications meanwhile are
   * gathered into the next scan. Default `liveScanIntervalMsDefault`; 0 scans on every one.
   */
  liveScanIntervalMs?: number;
}

const poolSizeDefault = 10;
const closeDrainMsMax = 10_000;

/**
 * The event store on PostgreSQL: appends go through the group-commit queue (append-queue.ts) to
 * `sunlight_append`, whole-log reads and live subscriptions through log-subscription.ts, and
 * rows are decoded by event-rows.ts. This class owns the pool and ties them together.
 */
export class PostgresEventStore implements EventStore {
  private readonly appends: AppendQueue;
  private readonly subscriptions: LogSubscriptions;
  private closed = false;
  /** Calls of `sunlight_append` made, and the appends they carried: how well appends share commits. */
  readonly appendCalls: { calls: number; appends: number };
  /** `AppendOptions.refuseRepeat` is honoured (`AppendQueue`). */
  readonly refusesRepeats = true;

  private constructor(
    readonly pool: Pool,
    timing: { pollIntervalMs: number; liveScanIntervalMs: number },
  ) {
    this.appends = new AppendQueue(async (parameters) => {
      const { rows } = await this.query<AppendRow>(appendStatementName, appendSql, parameters);
      return rows;
    });
    this.appendCalls = this.appends.calls;
    this.subscriptions = new LogSubscriptions(
      pool,
      (name, text, values) => this.query(name, text, values),
      timing,
    );
  }

  static async open(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const config: PoolConfig = {
      connectionString: options.connectionString,
      max: options.poolSize ?? poolSizeDefault,
      application_name: 'sunlight',
    };
    if (options.migrate ?? true) await migrate(config);
    // The role is part of the connection's start-up, so no query can ever run with more rights.
    const role = options.role ?? appRoleName;
    if (role !== false && !/^[a-z_][a-z0-9_]*$/.test(role))
      throw new RangeError(`not a role name: "${role}"`);
    const pool = new Pool(role === false ? config : { ...config, options: `-c role=${role}` });
    pool.on('error', () => undefined); // an idle client's failure surfaces on its next query
    // A checked-out client that loses its server between queries emits 'error' on itself; the
    // next query fails with it anyway, so the event must not crash the process.
    pool.on('connect', (client) => client.on('error', () => undefined));
    return new PostgresEventStore(pool, {
      pollIntervalMs: options.pollIntervalMs ?? pollIntervalMsDefault,
      liveScanIntervalMs: options.liveScanIntervalMs ?? liveScanIntervalMsDefault,
    });
  }

  /**
   * Appends are queued and written together with whatever else is waiting (group commit, see
   * `AppendQueue`); each append keeps its own expected-revision check and its own result.
   */
  appendToStream(
    streamName: string,
    events: readonly EventToAppend[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    return this.appends.enqueue(streamName, events, options);
  }

  async *readStream(
    streamName: string,
    options: ReadStreamOptions = {},
  ): AsyncIterable<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    assertCount('maxCount', remaining);
    let cursor: bigint | undefined = options.fromRevision;
    let inclusive = true;
    while (remaining > 0) {
      const limit = Math.min(readPageSizeMax, remaining);
      const comparison = backwards ? (inclusive ? '<=' : '<') : inclusive ? '>=' : '>';
      const { rows } = await this.query<EventRow>(
        undefined,
        `SELECT ${eventColumns} FROM events WHERE stream_name = $1
           AND ($2::bigint IS NULL OR revision ${comparison} $2::bigint)
         ORDER BY revision ${backwards ? 'DESC' : 'ASC'} LIMIT $3`,
        [streamName, cursor === undefined ? null : cursor.toString(), limit],
      );
      for (const row of rows) yield toRecordedEvent(row);
      if (rows.length < limit) return;
      remaining -= rows.length;
      cursor = BigInt(rows[rows.length - 1].revision);
      inclusive = false;
    }
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    return this.subscriptions.readAll(options);
  }

  subscribeToAll(options: SubscribeOptions): AsyncIterable<SubscriptionMessage> {
    return this.subscriptions.subscribe(options);
  }

  /** The position of the last event, or undefined for an empty log. */
  async headPosition(): Promise<string | undefined> {
    const head = await this.subscriptions.headPosition();
    return head === 0n ? undefined : encodePosition(head);
  }

  async ping(): Promise<void> {
    await this.query(undefined, 'SELECT 1', []);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Appends already accepted are written before the pool goes away.
    await this.appends.close();
    this.subscriptions.close();
    // pool.end() waits for every checked-out client; a query stuck on a dead server must not
    // hold the process's shutdown hostage.
    await Promise.race([
      this.pool.end(),
      new Promise((resolve) => setTimeout(resolve, closeDrainMsMax).unref()),
    ]);
  }

  private async query<Row extends object>(
    name: string | undefined,
    text: string,
    values: unknown[],
  ): Promise<{ rows: Row[] }> {
    // Accepted appends are still written while the store closes; nothing else is.
    if (this.closed && name !== appendStatementName)
      throw new EventStoreUnavailableError('the event store is closed');
    try {
      return await this.pool.query<Row>({ name, text, values });
    } catch (error) {
      throw toUnavailable(error, 'event store query failed');
    }
  }
}

/** Runs the pending migrations on a connection of its own, which is closed afterwards. */
async function migrate(config: PoolConfig): Promise<void> {
  const admin = new Pool({ ...config, max: 1 });
  try {
    const client = await admin.connect();
    try {
      await runMigrations(client);
    } finally {
      client.release();
    }
  } catch (error) {
    throw toUnavailable(error, 'could not migrate the event store');
  } finally {
    await admin.end();
  }
}

import { divisionCodePattern, fundIdPattern, transferIdPattern } from '../funds.validation';
import { fenFromString, fenToString } from '../money';
import { findTransfer, transferBookOf, transferEntries } from '../transfer-book';
import {
  assertPoolInvariants,
  disbursementStatuses,
  transferKinds,
  type DisbursementStatus,
  type OpenRosterBatch,
  type PoolState,
  type SettledTransferKind,
  type TransferEntry,
  type TransferKind,
} from './state';

/* Snapshots: a long-lived pool loads from its latest snapshot plus the tail of its stream. */

// 2: disbursement entries remember their outcome's content (outcomeFingerprint).
// 3: roster batches (rosterReservedFen and the batches still open).
export const poolSnapshotSchemaVersion = 3;

export interface TransferSnapshot {
  readonly transferId: string;
  readonly kind: TransferKind;
  readonly fingerprint: string;
  readonly status?: DisbursementStatus;
  readonly amountFen?: string;
  readonly returnedFen?: string;
  readonly requestedBy?: string;
  readonly outcomeFingerprint?: string;
}

export interface PoolSnapshot {
  readonly schemaVersion: typeof poolSnapshotSchemaVersion;
  readonly fundId: string | null;
  readonly divisionCode: string | null;
  readonly balanceFen: string;
  readonly receivedFen: string;
  readonly sentFen: string;
  readonly rosterReservedFen: string;
  readonly reservedFen: string;
  readonly disbursedFen: string;
  readonly reversedFen: string;
  readonly recoveredFen: string;
  readonly pendingApprovalCount: number;
  readonly awaitingSettlementCount: number;
  /** Sorted by transferId, so equal states give byte-equal snapshots. */
  readonly transfers: readonly TransferSnapshot[];
  /** Sorted by transferId. */
  readonly openRosterBatches: readonly OpenRosterBatchSnapshot[];
}

export interface OpenRosterBatchSnapshot {
  readonly transferId: string;
  readonly remainingFen: string;
  readonly remainingCount: number;
}

export function poolStateToSnapshot(state: PoolState): PoolSnapshot {
  return {
    schemaVersion: poolSnapshotSchemaVersion,
    fundId: state.fundId,
    divisionCode: state.divisionCode,
    balanceFen: fenToString(state.balanceFen),
    receivedFen: fenToString(state.receivedFen),
    sentFen: fenToString(state.sentFen),
    rosterReservedFen: fenToString(state.rosterReservedFen),
    reservedFen: fenToString(state.reservedFen),
    disbursedFen: fenToString(state.disbursedFen),
    reversedFen: fenToString(state.reversedFen),
    recoveredFen: fenToString(state.recoveredFen),
    pendingApprovalCount: state.pendingApprovalCount,
    awaitingSettlementCount: state.awaitingSettlementCount,
    transfers: transferEntries(state.transfers).map(([transferId, entry]): TransferSnapshot => {
      if (entry.kind !== 'disbursement')
        return { transferId, kind: entry.kind, fingerprint: entry.fingerprint };
      return {
        transferId,
        kind: entry.kind,
        fingerprint: entry.fingerprint,
        status: entry.status,
        amountFen: fenToString(entry.amountFen),
        returnedFen: fenToString(entry.returnedFen),
        ...(entry.requestedBy === undefined ? {} : { requestedBy: entry.requestedBy }),
        ...(entry.outcomeFingerprint === undefined
          ? {}
          : { outcomeFingerprint: entry.outcomeFingerprint }),
      };
    }),
    openRosterBatches: [...state.openRosterBatches.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([transferId, batch]) => ({
        transferId,
        remainingFen: fenToString(batch.remainingFen),
        remainingCount: batch.remainingCount,
      })),
  };
}

/**
 * Rebuilds a state from stored JSON. A snapshot that does not parse or breaks an invariant is a
 * bug or corruption, so this throws a plain `Error`; the caller can fall back to a full replay.
 */
export function poolStateFromSnapshot(json: unknown): PoolState {
  const snapshot = asRecord(json, 'snapshot');
  snapshotInvariant(
    snapshot['schemaVersion'] === poolSnapshotSchemaVersion,
    'unsupported schemaVersion',
  );
  const fundId = nullableString(snapshot['fundId'], 'fundId');
  const divisionCode = nullableString(snapshot['divisionCode'], 'divisionCode');
  snapshotInvariant(
    fundId === null
      ? divisionCode === null
      : divisionCode !== null &&
          fundIdPattern.test(fundId) &&
          divisionCodePattern.test(divisionCode),
    'fundId and divisionCode must both be valid or both be null',
  );
  const transfersJson = snapshot['transfers'];
  snapshotInvariant(Array.isArray(transfersJson), 'transfers must be an array');

  const entries: [string, TransferEntry][] = [];
  const seenTransferIds = new Set<string>();
  let pendingApprovalCount = 0;
  let awaitingSettlementCount = 0;
  for (const item of transfersJson as unknown[]) {
    const record = asRecord(item, 'transfer');
    const transferId = record['transferId'];
    const kind = record['kind'];
    const fingerprintText = record['fingerprint'];
    snapshotInvariant(
      typeof transferId === 'string' && transferIdPattern.test(transferId),
      'bad transferId',
    );
    snapshotInvariant(
      typeof kind === 'string' && (transferKinds as readonly string[]).includes(kind),
      `bad kind for ${transferId}`,
    );
    snapshotInvariant(
      typeof fingerprintText === 'string' && /^[0-9a-f]{32}$/.test(fingerprintText),
      `bad fingerprint for ${transferId}`,
    );
    snapshotInvariant(!seenTransferIds.has(transferId), `duplicate transfer ${transferId}`);
    seenTransferIds.add(transferId);
    let entry: TransferEntry;
    if (kind === 'disbursement') {
      const status = record['status'];
      snapshotInvariant(
        typeof status === 'string' && (disbursementStatuses as readonly string[]).includes(status),
        `bad status for ${transferId}`,
      );
      const requestedBy = record['requestedBy'];
      const disbursementStatus = status as DisbursementStatus;
      snapshotInvariant(
        disbursementStatus === 'requested'
          ? typeof requestedBy === 'string' && requestedBy !== ''
          : requestedBy === undefined,
        `requestedBy must be present exactly while ${transferId} awaits a decision`,
      );
      const amountFen = snapshotFen(record['amountFen'], `${transferId}.amountFen`);
      const returnedFen = snapshotFen(record['returnedFen'], `${transferId}.returnedFen`);
      snapshotInvariant(
        amountFen > 0n && returnedFen <= amountFen,
        `bad amounts for ${transferId}`,
      );
      const outcomeFingerprint = record['outcomeFingerprint'];
      snapshotInvariant(
        outcomeFingerprint === undefined ||
          (typeof outcomeFingerprint === 'string' && /^[0-9a-f]{32}$/.test(outcomeFingerprint)),
        `bad outcomeFingerprint for ${transferId}`,
      );
      if (disbursementStatus === 'requested') pendingApprovalCount += 1;
      if (disbursementStatus === 'approved') awaitingSettlementCount += 1;
      entry = {
        kind,
        fingerprint: fingerprintText,
        status: disbursementStatus,
        amountFen,
        returnedFen,
        ...(disbursementStatus === 'requested' ? { requestedBy: requestedBy as string } : {}),
        ...(outcomeFingerprint === undefined
          ? {}
          : { outcomeFingerprint: outcomeFingerprint as string }),
      };
    } else {
      entry = { kind: kind as SettledTransferKind, fingerprint: fingerprintText };
    }
    entries.push([transferId, entry]);
  }
  const transfers = transferBookOf(entries);
  const batchesJson = snapshot['openRosterBatches'];
  snapshotInvariant(Array.isArray(batchesJson), 'openRosterBatches must be an array');
  const openRosterBatches = new Map<string, OpenRosterBatch>();
  for (const item of batchesJson as unknown[]) {
    const record = asRecord(item, 'roster batch');
    const transferId = record['transferId'];
    const remainingCount = record['remainingCount'];
    snapshotInvariant(
      typeof transferId === 'string' &&
        findTransfer(transfers, transferId)?.kind === 'rosterBatch' &&
        !openRosterBatches.has(transferId),
      `open roster batch ${String(transferId)} is not a roster batch of the pool`,
    );
    snapshotInvariant(
      typeof remainingCount === 'number' && Number.isSafeInteger(remainingCount),
      `bad remainingCount for ${transferId}`,
    );
    openRosterBatches.set(transferId, {
      remainingFen: snapshotFen(record['remainingFen'], `${transferId}.remainingFen`),
      remainingCount,
    });
  }

  const state: PoolState = {
    fundId,
    divisionCode,
    balanceFen: snapshotFen(snapshot['balanceFen'], 'balanceFen'),
    receivedFen: snapshotFen(snapshot['receivedFen'], 'receivedFen'),
    sentFen: snapshotFen(snapshot['sentFen'], 'sentFen'),
    rosterReservedFen: snapshotFen(snapshot['rosterReservedFen'], 'rosterReservedFen'),
    reservedFen: snapshotFen(snapshot['reservedFen'], 'reservedFen'),
    disbursedFen: snapshotFen(snapshot['disbursedFen'], 'disbursedFen'),
    reversedFen: snapshotFen(snapshot['reversedFen'], 'reversedFen'),
    recoveredFen: snapshotFen(snapshot['recoveredFen'], 'recoveredFen'),
    pendingApprovalCount,
    awaitingSettlementCount,
    transfers,
    openRosterBatches,
  };
  snapshotInvariant(
    snapshot['pendingApprovalCount'] === pendingApprovalCount &&
      snapshot['awaitingSettlementCount'] === awaitingSettlementCount,
    'counters disagree with the transfers',
  );
  assertPoolInvariants(state);
  return state;
}

function snapshotInvariant(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`invalid pool snapshot: ${message}`);
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  snapshotInvariant(
    value !== null && typeof value === 'object' && !Array.isArray(value),
    `${what} must be an object`,
  );
  return value as Record<string, unknown>;
}

function nullableString(value: unknown, field: string): string | null {
  snapshotInvariant(
    value === null || typeof value === 'string',
    `${field} must be a string or null`,
  );
  return value;
}

function snapshotFen(value: unknown, field: string): bigint {
  snapshotInvariant(
    typeof value === 'string' && /^(?:0|[1-9]\d{0,29})$/.test(value),
    `${field} must be a digit string`,
  );
  return fenFromString(value, field);
}

import type { GlobalPosition } from './event-store.port';

/**
 * Each event's chain hash (`hash = SHA-256(prevHash ‖ JCS(event))`, lowercase hex) by position,
 * for readers that hand events on with it (the integrators' feeds), so a consumer can check an
 * event against the verifier. Positions the log does not hold are absent from the answer.
 */
export interface ChainHashes {
  chainHashesOf(positions: readonly GlobalPosition[]): Promise<ReadonlyMap<GlobalPosition, string>>;
}

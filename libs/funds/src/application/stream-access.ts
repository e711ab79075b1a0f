import { NotFoundException } from '@nestjs/common';
import { assertWithinJurisdiction, type JurisdictionRegistry } from '@sunlight/auth';
import type { Actor } from '@sunlight/kernel';
import { fundStreamCategory, parsePoolStreamName } from '../domain';

/**
 * Who may read a stream's raw events: pool streams inside the caller's jurisdiction, fund streams
 * by every role (fund lines are published, 公告公示), anything else by admins only.
 */
export function assertMayReadStream(
  actor: Actor,
  streamName: string,
  divisions: JurisdictionRegistry,
): void {
  const pool = parsePoolStreamName(streamName);
  if (pool !== undefined) {
    assertWithinJurisdiction(actor, pool.divisionCode, divisions);
    return;
  }
  if (streamName.startsWith(`${fundStreamCategory}-`)) return;
  if (actor.role !== 'admin') throw new NotFoundException(`No readable stream ${streamName}`);
}

import { Inject, Injectable } from '@nestjs/common';
import { assertWithinJurisdiction } from '@sunlight/auth';
import { DIVISION_REGISTRY, type DivisionRegistry } from '@sunlight/geo';
import { NotFoundError, type Actor } from '@sunlight/kernel';
import { StreamCatalog, type StreamCategory } from '../stream-catalog';

/**
 * Who may read a stream: a stream of a described category inside the caller's jurisdiction (or a
 * public one); anything else is not found, for every role.
 */
@Injectable()
export class StreamAccess {
  constructor(
    private readonly catalog: StreamCatalog,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  /**
   * The division a stream belongs to (`'public'` for one every role reads), or undefined for a
   * stream no context describes, which nobody reads: what the feeds filter each event by.
   */
  divisionOf(streamName: string): string | 'public' | undefined {
    return this.catalog.categoryOf(streamName)?.divisionOf(streamName);
  }

  /** The stream's category, once the caller is known to may read it. */
  assertMayRead(actor: Actor, streamName: string): StreamCategory {
    const category = this.catalog.categoryOf(streamName);
    const division = category?.divisionOf(streamName);
    if (category === undefined || division === undefined) {
      throw new NotFoundError('AUDIT.STREAM_NOT_FOUND', `No readable stream ${streamName}`);
    }
    if (division !== 'public') assertWithinJurisdiction(actor, division, this.divisions);
    return category;
  }
}

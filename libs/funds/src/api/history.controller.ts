import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { assertWithinJurisdiction, CurrentActor, Roles, type Actor } from '@sunlight/auth';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@sunlight/event-store';
import {
  DIVISION_REGISTRY,
  isValidIdNumber,
  normaliseIdNumber,
  type DivisionRegistry,
} from '@sunlight/geo';
import { READ_STORE, type ReadStore } from '@sunlight/read-store';
import {
  fundLineDecider,
  formatYuan,
  parsePoolStreamName,
  poolDecider,
  poolSummary,
  type FundLineEvent,
  type PoolEvent,
} from '../domain';
import type { EventView } from '../application/command-envelope';
import { toEventView } from '../application/event-view';
import {
  paymentsByIdNumberQuery,
  paymentsProjectionName,
  paymentsCollection,
} from '../projections';
import { integerQuery, RequestFieldError } from './responses';

/** Events folded by one `asOf` request; a longer stream must be read in pages. */
export const historyEventsMax = 10_000;
const personPaymentsMax = 500;

@ApiTags('history (历史)')
@ApiBearerAuth()
@Controller('history')
export class HistoryController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  @Get('person/:idNumber')
  @Roles('commission', 'finance', 'approver')
  @ApiOperation({
    summary:
      'Every payment to one resident ID number (公民身份号码), any fund, any division, oldest first',
    description:
      'From the payments read model, with who requested, approved, rejected and settled each one. ' +
      "Only payments made inside the caller's jurisdiction are listed.",
  })
  @ApiParam({ name: 'idNumber', example: '530325198001011232' })
  async person(
    @Param('idNumber') raw: string,
    @CurrentActor() actor: Actor,
  ): Promise<{ idNumber: string; payments: unknown[] }> {
    const idNumber = normaliseIdNumber(raw);
    if (!isValidIdNumber(idNumber)) {
      throw new RequestFieldError(
        'idNumber',
        'must be an 18-character resident ID number with a valid check character',
      );
    }
    const query = paymentsByIdNumberQuery(idNumber, personPaymentsMax);
    const { items } = await this.readStore.find(paymentsProjectionName, paymentsCollection, {
      ...query,
      where: { ...query.where, divisionCode: { prefix: actor.division } },
    });
    return { idNumber, payments: items };
  }

  @Get('pools/:fundId/:divisionCode')
  @Roles('commission', 'finance', 'approver', 'bank')
  @ApiOperation({
    summary:
      'The history of one pool (资金池): every event, oldest first, paged, with the figures after each',
  })
  @ApiParam({ name: 'fundId', example: 'yn-2026-cyfz-001' })
  @ApiParam({ name: 'divisionCode', example: '530325' })
  @ApiQuery({ name: 'fromRevision', required: false, example: '0' })
  @ApiQuery({ name: 'limit', required: false, example: '100' })
  async pool(
    @Param('fundId') fundId: string,
    @Param('divisionCode') divisionCode: string,
    @Query('fromRevision') fromRevisionText: string | undefined,
    @Query('limit') limitText: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<{
    streamName: string;
    entries: { event: EventView; balance: string; disbursed: string }[];
    nextRevision?: string;
  }> {
    const streamName = `pool-${fundId}.${divisionCode}`;
    const pool = parsePoolStreamName(streamName);
    if (pool === undefined || this.divisions.get(divisionCode) === undefined)
      throw new NotFoundException(`No pool ${fundId}.${divisionCode}`);
    assertWithinJurisdiction(actor, divisionCode, this.divisions);
    const fromRevision =
      integerQuery('fromRevision', fromRevisionText, 0, Number.MAX_SAFE_INTEGER) ?? 0;
    const limit = integerQuery('limit', limitText, 1, 500) ?? 100;
    // The running figures need every event before the page, so the fold starts at revision 0.
    let state = poolDecider.initialState();
    const entries: { event: EventView; balance: string; disbursed: string }[] = [];
    let nextRevision: string | undefined;
    for await (const event of this.store.readStream(streamName, {
      maxCount: fromRevision + limit + 1,
    })) {
      if (event.revision >= BigInt(fromRevision + limit)) {
        nextRevision = event.revision.toString();
        break;
      }
      state = poolDecider.evolve(state, {
        type: event.type,
        data: event.data,
      } as unknown as PoolEvent);
      if (event.revision < BigInt(fromRevision)) continue;
      const summary = poolSummary(state);
      entries.push({
        event: toEventView(event),
        balance: formatYuan(summary.balanceFen),
        disbursed: formatYuan(summary.disbursedFen),
      });
    }
    return { streamName, entries, ...(nextRevision === undefined ? {} : { nextRevision }) };
  }

  @Get('streams/:streamName')
  @Roles('commission', 'finance', 'approver', 'bank')
  @ApiOperation({
    summary:
      'A stream as it stood at a moment: the state folded up to `asOf`, and the events that made it',
    description:
      '`asOf` is an ISO time (events recorded at or before it) or a log position (events at or before it). ' +
      'Pool and fund streams are folded by their deciders; other streams return their events only.',
  })
  @ApiParam({ name: 'streamName', example: 'pool-yn-2026-cyfz-001.530325' })
  @ApiQuery({ name: 'asOf', required: false, example: '2026-11-28T08:00:00Z' })
  async stream(
    @Param('streamName') streamName: string,
    @Query('asOf') asOf: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<{ streamName: string; asOf: string | null; state: unknown; events: EventView[] }> {
    const pool = parsePoolStreamName(streamName);
    if (pool !== undefined) assertWithinJurisdiction(actor, pool.divisionCode, this.divisions);
    else if (!streamName.startsWith('fund-') && actor.role !== 'admin')
      throw new NotFoundException(`No readable stream ${streamName}`);
    const included = asOfFilter(asOf);
    const events: RecordedEvent[] = [];
    for await (const event of this.store.readStream(streamName, {
      maxCount: historyEventsMax + 1,
    })) {
      if (!included(event)) break;
      events.push(event);
    }
    if (events.length > historyEventsMax) {
      throw new RequestFieldError(
        'asOf',
        `the stream holds more than ${historyEventsMax} events before that moment; read it in pages`,
      );
    }
    return {
      streamName,
      asOf: asOf ?? null,
      state: foldState(streamName, events),
      events: events.map(toEventView),
    };
  }
}

function asOfFilter(asOf: string | undefined): (event: RecordedEvent) => boolean {
  if (asOf === undefined) return () => true;
  if (/^\d{1,20}$/.test(asOf)) {
    const position = BigInt(asOf);
    return (event) => BigInt(event.position) <= position;
  }
  const atMs = Date.parse(asOf);
  if (!/^\d{4}-\d{2}-\d{2}(T|$)/.test(asOf) || Number.isNaN(atMs)) {
    throw new RequestFieldError('asOf', 'must be an ISO 8601 time or a log position');
  }
  return (event) => event.recordedAt.getTime() <= atMs;
}

function foldState(streamName: string, events: readonly RecordedEvent[]): unknown {
  if (parsePoolStreamName(streamName) !== undefined) {
    const state = events.reduce(
      (folded, event) =>
        poolDecider.evolve(folded, { type: event.type, data: event.data } as unknown as PoolEvent),
      poolDecider.initialState(),
    );
    const summary = poolSummary(state);
    return {
      balance: formatYuan(summary.balanceFen),
      received: formatYuan(summary.receivedFen),
      sent: formatYuan(summary.sentFen),
      disbursed: formatYuan(summary.disbursedFen),
      pending: formatYuan(summary.pendingFen),
      returned: formatYuan(summary.returnedFen),
      pendingApprovalCount: summary.pendingApprovalCount,
      awaitingSettlementCount: summary.awaitingSettlementCount,
    };
  }
  if (streamName.startsWith('fund-')) {
    return events.reduce(
      (folded, event) =>
        fundLineDecider.evolve(folded, {
          type: event.type,
          data: event.data,
        } as unknown as FundLineEvent),
      fundLineDecider.initialState(),
    ).line;
  }
  return null;
}

import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  EVENT_STORE,
  EventStoreUnavailableError,
  PROCESSOR_CHECKPOINTS,
  RUN_PROCESSORS,
  type EventStore,
  type GlobalPosition,
  type ProcessorCheckpointStore,
  type RecordedEvent,
} from '@sunlight/event-store';
import { CommandBus } from '@nestjs/cqrs';
import { AppError, delay } from '@sunlight/kernel';
import { fenFromString } from '../domain';
import { toPoolEvent } from '../stored-events';
import { appropriationOf } from './fund-line.handler';
import { RunPoolCommand } from './funds.commands';

/** The actor the relay writes as: not a person, so it can never satisfy maker-checker. */
export const allocationRelayActor = {
  id: 'system:funds-processor',
  role: 'system',
  division: '',
} as const;
const retryDelayMsMax = 5_000;

/**
 * Turns facts on one stream into the facts they imply on another: `AllocationSent` on a parent
 * pool becomes `AllocationReceived` on the child pool, and `FundLineCreated` becomes the pool's
 * `FundsAppropriated`. It resumes from its checkpoint after a restart; an event handled twice is
 * harmless because both pool commands are idempotent by transfer id, so nothing is lost or doubled.
 */
@Injectable()
export class FundsProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  static readonly processorName = 'funds.allocation-relay';
  private readonly logger = new Logger(FundsProcessor.name);
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;
  private lastPosition: GlobalPosition | undefined;
  private parkedCount = 0;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROCESSOR_CHECKPOINTS) private readonly checkpoints: ProcessorCheckpointStore,
    private readonly commands: CommandBus,
    @Optional() @Inject(RUN_PROCESSORS) private readonly enabled: boolean = true,
  ) {}

  onApplicationBootstrap(): void {
    if (this.enabled) this.start();
    else this.logger.log('RUN_PROCESSORS=false: another instance relays allocations');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** The position of the last event this processor finished, for lag reporting. */
  get position(): GlobalPosition | undefined {
    return this.lastPosition;
  }

  start(): void {
    if (this.running) return;
    this.controller = new AbortController();
    const signal = this.controller.signal;
    this.running = this.loop(signal).finally(() => (this.running = undefined));
  }

  async stop(): Promise<void> {
    this.controller?.abort();
    await this.running;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const after = await this.checkpoints.load(FundsProcessor.processorName);
        this.lastPosition = after;
        for await (const message of this.store.subscribeToAll({
          after,
          signal,
          filter: { on: 'eventType', prefixes: ['AllocationSent', 'FundLineCreated'] },
        })) {
          if (message.kind === 'event') {
            await this.handleOrPark(message.event);
            await this.checkpoints.save(FundsProcessor.processorName, message.event.position);
            this.lastPosition = message.event.position;
          } else if (message.kind === 'checkpoint') {
            await this.checkpoints.save(FundsProcessor.processorName, message.position);
            this.lastPosition = message.position;
          }
        }
      } catch (error) {
        if (signal.aborted) return;
        this.logger.error(
          `funds processor stopped on an error and restarts from its checkpoint: ${String(error)}`,
        );
        await delay(
          error instanceof EventStoreUnavailableError ? retryDelayMsMax : retryDelayMsMax / 5,
          signal,
        );
      }
    }
  }

  /**
   * A domain error here means the log holds an allocation this relay cannot apply (say, an id
   * taken in the receiving pool by a racing request). Retrying forever would stall every later
   * allocation of every fund, so the event is parked: logged, counted, and left in transit, where
   * the dashboards show it. Infrastructure errors propagate and are retried from the checkpoint.
   */
  private async handleOrPark(event: RecordedEvent): Promise<void> {
    try {
      await this.handle(event);
    } catch (error) {
      // Only a funds rule is a reason to park; the store's own refusals are retried.
      if (!(error instanceof AppError) || !error.code.startsWith('FUNDS.')) throw error;
      this.parkedCount += 1;
      this.logger.error(
        `parked ${event.type} at position ${event.position} (${event.streamName}): ${error.code}: ${error.message}`,
      );
    }
  }

  /** Events this process could not apply and left in transit (see `handleOrPark`). */
  get parked(): number {
    return this.parkedCount;
  }

  private async handle(event: RecordedEvent): Promise<void> {
    if (event.type === 'FundLineCreated') {
      await this.commands.execute(appropriationOf(event));
      return;
    }
    const allocation = toPoolEvent(event);
    if (allocation.type !== 'AllocationSent') return;
    const { data } = allocation;
    const receive = new RunPoolCommand(
      {
        type: 'ReceiveAllocation',
        fundId: data.fundId,
        divisionCode: data.toDivisionCode,
        transferId: data.transferId,
        fromDivisionCode: data.divisionCode,
        amountFen: fenFromString(data.amountFen),
        actor: allocationRelayActor,
        occurredAt:
          (event.metadata.occurredAt as string | undefined) ?? event.recordedAt.toISOString(),
      },
      {
        commandId: `relay/${event.eventId}`,
        correlationId: (event.metadata.correlationId as string | undefined) ?? event.eventId,
        causationId: event.eventId,
      },
    );
    await this.commands.execute(receive);
  }
}

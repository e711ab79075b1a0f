import type { Provider } from '@nestjs/common';
import {
  deciderHandler,
  EVENT_STORE,
  type DeciderHandler,
  type EventStore,
} from '@sunlight/event-store';
import {
  registrySnapshotDecider,
  type RegistrySnapshotCommand,
  type RegistrySnapshotEvent,
  type RegistrySnapshotState,
} from '../domain';
import { toRegistrySnapshotEvent } from '../stored-events';

export type RegistrySnapshotCommands = DeciderHandler<
  RegistrySnapshotState,
  RegistrySnapshotCommand,
  RegistrySnapshotEvent
>;
export const REGISTRY_SNAPSHOT_COMMANDS = 'REGISTRY_SNAPSHOT_COMMANDS';

/** The claim that makes one file one snapshot per kind and division. */
export function registryFileClaimKey(kind: string, divisionCode: string, sha256: string): string {
  return `registry-file:${kind}.${divisionCode}.${sha256}`;
}

export function registrySnapshotCommands(store: EventStore): RegistrySnapshotCommands {
  return deciderHandler(store, {
    decider: registrySnapshotDecider,
    toDomainEvent: toRegistrySnapshotEvent,
    claimsOf: (event) =>
      event.type === 'RegistrySnapshotUploaded'
        ? {
            claims: [
              registryFileClaimKey(
                event.data.kind,
                event.data.divisionCode,
                event.data.file.sha256,
              ),
            ],
          }
        : {},
  });
}

export const registrySnapshotCommandProviders: Provider[] = [
  {
    provide: REGISTRY_SNAPSHOT_COMMANDS,
    inject: [EVENT_STORE],
    useFactory: registrySnapshotCommands,
  },
];

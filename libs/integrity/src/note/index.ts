export * from './note.errors';
export * from './ed25519';
export * from './signed-note';
export * from './ed25519-note';
export * from './cosignature';
export * from './checkpoint';
export * from './open-checkpoint';
export * from './note-keys';

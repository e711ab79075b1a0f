export * from './canonical-json';
export * from './hash-chain';
export * from './chain-verifier';
export * from './integrity-error';
export * from './merkle';
export * from './note';
export * from './tlog';
export * from './witness';

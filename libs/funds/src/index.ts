export * from './domain';
export * from './application/command-envelope';
export * from './application/funds.commands';
export { FundsQueries, type PoolView, type FundView } from './application/funds.queries';
export { PoolCommandRunner, poolCommandReason } from './application/pool-command.runner';
export { FundsProcessor } from './application/funds.processor';
export { FundsModule } from './funds.module';
export * from './projections';

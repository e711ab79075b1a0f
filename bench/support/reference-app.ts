/**
 * `bench:ledger`'s app: `sunlight serve` exactly (same bootstrap, configuration from the
 * environment), plus the reference route of reference-route.module.ts, so that disbursement
 * commands and the reference's plain INSERTs are served by one process and measured alternately.
 */
import { loadAppConfig } from '../../src/config/app-config';
import { bootstrap } from '../../src/main';
import { ReferenceRouteModule } from './reference-route.module';

const config = loadAppConfig();
if (config.databaseUrl === undefined) throw new Error('the reference app needs DATABASE_URL');
bootstrap(config, {
  imports: [ReferenceRouteModule.forRoot(config.databaseUrl, config.pgPoolSize)],
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

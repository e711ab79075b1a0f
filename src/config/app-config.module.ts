import { Global, Module, type DynamicModule } from '@nestjs/common';
import { RUN_PROCESSORS } from '@sunlight/event-store';
import { APP_CONFIG, type AppConfig } from './app-config';

/** Makes the already-validated config injectable everywhere as `APP_CONFIG`. */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: RUN_PROCESSORS, useValue: config.runProcessors },
      ],
      exports: [APP_CONFIG, RUN_PROCESSORS],
    };
  }
}

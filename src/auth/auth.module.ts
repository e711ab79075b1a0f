import { Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ACCESS_TOKEN_SECRET, AuthGuard, resolveJwtSecret } from '@sunlight/auth';

const logger = new Logger('Auth');

/** Bearer-token authentication and role checks for every route (DESIGN §1: who may do what). */
@Module({
  providers: [
    {
      provide: ACCESS_TOKEN_SECRET,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig): Promise<string> => {
        const resolved = await resolveJwtSecret(config);
        if (resolved.source === 'generated') {
          logger.warn(
            `JWT_SECRET is not set: generated a signing key and kept it in ${resolved.path}`,
          );
        } else if (resolved.source === 'file') {
          logger.log(`JWT_SECRET is not set: using the signing key kept in ${resolved.path}`);
        }
        return resolved.secret;
      },
    },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [ACCESS_TOKEN_SECRET],
})
export class AuthModule {}

import {
  Body,
  Controller,
  HttpCode,
  Inject,
  Module,
  Param,
  Post,
  type DynamicModule,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Pool } from 'pg';
import { assertWithinJurisdiction, CurrentActor, Roles } from '@sunlight/auth';
import { RequestDisbursementDto } from '@sunlight/funds/api/dto/funds.dto';
import { DIVISION_REGISTRY, requireKnownDivision, type DivisionRegistry } from '@sunlight/geo';
import type { Actor } from '@sunlight/kernel';

/*
 * `bench:ledger`'s reference: the floor under a disbursement command, measured on the same Nest
 * stack. The route takes the same body, through the same global pipe, guard (bearer token,
 * role) and jurisdiction check, and then does what any store must do at the least: one INSERT,
 * one round trip, into a plain table with no chain, no lock, no claim and no fold. It exists only
 * in the benchmark's app (reference-app.ts), never in the product.
 */

const REFERENCE_POOL = 'BENCH_REFERENCE_POOL';
export const referenceTable = 'bench_reference_disbursements';
export const referenceRoutePrefix = 'bench-reference';

/** Creates the plain table the reference route writes, as the database's owner. */
export async function createReferenceTable(databaseUrl: string): Promise<void> {
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    await pool.query(
      `CREATE TABLE IF NOT EXISTS ${referenceTable} (
         id bigserial PRIMARY KEY, fund_id text NOT NULL, transfer_id text NOT NULL UNIQUE,
         body jsonb NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())`,
    );
  } finally {
    await pool.end();
  }
}

@Controller(`${referenceRoutePrefix}/funds`)
class ReferenceDisbursementsController {
  constructor(
    @Inject(REFERENCE_POOL) private readonly pool: Pool,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  @Post(':fundId/disbursements')
  @Roles('finance')
  @HttpCode(201)
  async request(
    @Param('fundId') fundId: string,
    @Body() body: RequestDisbursementDto,
    @CurrentActor() actor: Actor,
  ): Promise<{ id: string }> {
    requireKnownDivision(this.divisions, body.divisionCode, 'divisionCode');
    assertWithinJurisdiction(actor, body.divisionCode, this.divisions);
    const { rows } = await this.pool.query<{ id: string }>({
      name: 'bench-reference-insert',
      text: `INSERT INTO ${referenceTable} (fund_id, transfer_id, body) VALUES ($1, $2, $3) RETURNING id`,
      values: [fundId, body.transferId, JSON.stringify(body)],
    });
    return { id: (rows[0] as { id: string }).id };
  }
}

@Module({})
export class ReferenceRouteModule implements OnModuleDestroy {
  /** `poolSize` as the app's own pools (PG_POOL_SIZE), so neither side has more connections. */
  static forRoot(databaseUrl: string, poolSize: number): DynamicModule {
    return {
      module: ReferenceRouteModule,
      controllers: [ReferenceDisbursementsController],
      providers: [
        {
          provide: REFERENCE_POOL,
          useFactory: () => new Pool({ connectionString: databaseUrl, max: poolSize }),
        },
      ],
    };
  }

  constructor(@Inject(REFERENCE_POOL) private readonly pool: Pool) {}

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }
}

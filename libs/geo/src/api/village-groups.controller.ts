import { Body, Controller, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { assertWithinJurisdiction, CurrentActor, Jurisdiction, Roles } from '@sunlight/auth';
import type { CommandIds, EventView } from '@sunlight/event-store';
import { nowIso, RequestCommandIds, sendOutcome, type OutcomeResponse } from '@sunlight/http';
import type { Actor } from '@sunlight/kernel';
import { RegisterVillageGroupCommand } from '../application/register-village-group.handler';
import type { DivisionRegistry } from '../division-registry';
import { DIVISION_REGISTRY } from '../tokens';
import { DivisionCodePipe } from './division-code.pipe';
import { DivisionNotFoundError } from './divisions.errors';
import { RecordedEventDto, RegisterVillageGroupDto } from './dto/village-groups.dto';

@ApiTags('divisions')
@ApiBearerAuth()
@ApiUnauthorizedResponse({
  description: 'No bearer token, or an invalid or expired one (problem+json)',
})
@Controller('divisions')
export class VillageGroupsController {
  constructor(
    @Inject(DIVISION_REGISTRY) private readonly registry: DivisionRegistry,
    private readonly commands: CommandBus,
  ) {}

  @Post(':villageCode/groups')
  @Roles('village_staff', 'finance')
  @ApiOperation({
    summary:
      'Register a village group (村民小组) under a village (村); its code is <villageCode>-<n>',
    description:
      'Writes VillageGroupRegistered on villagegroups-<villageCode>. Repeating the same number and name returns the original ' +
      'event with 200 and Idempotent-Replayed: true; the same number under another name is a 409. Roles village_staff, finance, admin; ' +
      "the village must lie inside the caller's jurisdiction.",
  })
  @ApiParam({
    name: 'villageCode',
    description: '12-digit village code (村级统计用区划代码)',
    schema: { type: 'string', pattern: '^[0-9]{12}$', example: '530325001001' },
  })
  @Jurisdiction({ kind: 'division', in: 'path', name: 'villageCode' })
  @ApiCreatedResponse({
    type: RecordedEventDto,
    description: 'The group was registered; the event as stored',
  })
  @ApiOkResponse({
    type: RecordedEventDto,
    description: 'A repeat: the event that registered it earlier (Idempotent-Replayed: true)',
  })
  @ApiBadRequestResponse({
    description: 'A malformed code or body (problem+json naming the field)',
  })
  @ApiForbiddenResponse({
    description: "Role not allowed, or the village is outside the caller's jurisdiction",
  })
  @ApiNotFoundResponse({ description: 'No division has this code' })
  @ApiConflictResponse({
    description: 'GEO.VILLAGE_GROUP_CONFLICT: the number is registered under another name',
  })
  @ApiUnprocessableEntityResponse({
    description: 'GEO.NOT_A_VILLAGE: the code is a division, but not a village',
  })
  async registerGroup(
    @Param('villageCode', new DivisionCodePipe('villageCode')) villageCode: string,
    @Body() body: RegisterVillageGroupDto,
    @CurrentActor() actor: Actor,
    @RequestCommandIds() ids: CommandIds,
    @Res({ passthrough: true }) response: OutcomeResponse,
  ): Promise<EventView> {
    if (!this.registry.has(villageCode)) throw new DivisionNotFoundError(villageCode);
    assertWithinJurisdiction(actor, villageCode, this.registry);
    const outcome = await this.commands.execute(
      new RegisterVillageGroupCommand(
        {
          villageCode,
          groupNumber: body.groupNumber,
          name: body.name,
          actor,
          occurredAt: nowIso(),
        },
        ids,
      ),
    );
    return sendOutcome(response, outcome);
  }
}

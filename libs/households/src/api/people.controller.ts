import { Controller, Get, Inject, Param } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentActor, isWithinJurisdiction, Jurisdiction, Roles } from '@sunlight/auth';
import { DIVISION_REGISTRY, normaliseIdNumber, type DivisionRegistry } from '@sunlight/geo';
import { todayInChina } from '@sunlight/http';
import { NotFoundError, RequestFieldError, type Actor } from '@sunlight/kernel';
import { idNumberProblem, parseHouseholdId } from '../domain';
import { HouseholdsQueries } from '../application/households.queries';
import { ProblemDto } from './dto/responses.dto';
import { PersonViewDto } from './dto/views.dto';

@ApiTags('households (建档立卡)')
@ApiBearerAuth()
@Controller('people')
export class PeopleController {
  constructor(
    private readonly queries: HouseholdsQueries,
    @Inject(DIVISION_REGISTRY) private readonly divisions: DivisionRegistry,
  ) {}

  @Get(':idNumber')
  @Roles('commission', 'finance')
  @Jurisdiction({
    kind: 'owner',
    why: "a person whose household lies outside the caller's jurisdiction is not found",
  })
  @ApiOperation({
    summary: 'Which household a person belongs to, and since when',
    description:
      "The household the ID number is an active member of (or last was), with the households before it. A person whose household lies outside the caller's jurisdiction is not found, as is one never registered; earlier households outside it are left out. Roles: commission, finance, admin.",
  })
  @ApiParam({
    name: 'idNumber',
    description: '18-character ID number (公民身份号码)',
    schema: { type: 'string', pattern: '^[0-9]{17}[0-9Xx]$', example: '530325198002150314' },
  })
  @ApiOkResponse({ type: PersonViewDto })
  @ApiBadRequestResponse({
    type: ProblemDto,
    description: 'idNumber is not a valid ID number (problem+json naming it)',
  })
  @ApiUnauthorizedResponse({
    type: ProblemDto,
    description: 'No bearer token, or an invalid or expired one',
  })
  @ApiForbiddenResponse({ type: ProblemDto, description: 'Role not allowed' })
  @ApiNotFoundResponse({
    type: ProblemDto,
    description: "No member with this ID number inside the caller's jurisdiction",
  })
  async person(
    @CurrentActor() actor: Actor,
    @Param('idNumber') raw: string,
  ): Promise<PersonViewDto> {
    const idNumber = normaliseIdNumber(raw);
    const problem = idNumberProblem(idNumber, todayInChina());
    if (problem !== undefined) throw new RequestFieldError('idNumber', problem);
    const person = await this.queries.person(idNumber);
    const visible = (householdId: string) => {
      const village = parseHouseholdId(householdId)?.villageCode;
      return village !== undefined && isWithinJurisdiction(actor, village, this.divisions);
    };
    if (person === undefined || !visible(person.householdId)) {
      throw new NotFoundError(
        'HOUSEHOLDS.PERSON_NOT_FOUND',
        'No household member with this ID number inside your jurisdiction',
      );
    }
    const { id: _id, lastPosition: _position, stays, ...current } = person;
    return { ...current, stays: stays.filter((stay) => visible(stay.householdId)) };
  }
}

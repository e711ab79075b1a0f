import {
  decimalStringSchema,
  nullable,
  schemaRef,
  yuanStringSchema,
  type OpenApiSchema,
} from '@sunlight/http';
import { divisionLevels } from '@sunlight/geo';
import { beneficiaryKinds, disbursementStatuses, purposeCategories } from '../domain';
import { childSortFields } from '../application/dashboards.queries';

const string: OpenApiSchema = { type: 'string' };
const integer: OpenApiSchema = { type: 'integer', minimum: 0 };
const dateTime: OpenApiSchema = { type: 'string', format: 'date-time' };
const object = (
  properties: Record<string, OpenApiSchema>,
  optional: readonly string[] = [],
): OpenApiSchema => ({
  type: 'object',
  required: Object.keys(properties).filter((key) => !optional.includes(key)),
  properties,
});

const listingFigures = {
  received: yuanStringSchema,
  allocatedDown: yuanStringSchema,
  disbursed: yuanStringSchema,
  returned: yuanStringSchema,
  pending: yuanStringSchema,
  inTransit: yuanStringSchema,
  balance: yuanStringSchema,
  disbursementCount: integer,
};
const figures = {
  ...listingFigures,
  idle: {
    ...yuanStringSchema,
    description: '资金滞留: received more than idleDays ago and still in its pool',
  },
  beneficiaryCount: integer,
  beneficiaryCountExact: {
    type: 'boolean',
    description: 'False once the count is a sketch estimate (about 1.6 % standard error)',
  },
};
const readModelPosition = {
  ...nullable(decimalStringSchema),
  description:
    'The log position the dashboards read model had applied when this answer was read (every event at ' +
    'or before it is counted; a later one may be); null before it has applied any',
};

const findingsReadModelPosition = {
  ...nullable(decimalStringSchema),
  description:
    'The log position the findings read model had applied when the open findings were read; null before ' +
    'it has applied any. It follows the log apart from the dashboards read model (readModelPosition)',
};

/** The answers of the funds routes, merged into the OpenAPI document's components. */
export const fundsOpenApiSchemas: Record<string, OpenApiSchema> = {
  Beneficiary: object(
    {
      kind: { type: 'string', enum: [...beneficiaryKinds] },
      id: string,
      name: string,
      idNumber: string,
      bankAccount: string,
    },
    ['idNumber', 'bankAccount'],
  ),
  FundLine: object({
    fundId: string,
    name: string,
    fiscalYear: { type: 'integer' },
    purposeCategory: string,
    source: string,
    appropriation: object({ divisionCode: string, divisionName: string, amount: yuanStringSchema }),
    createdBy: { type: 'object', additionalProperties: true, description: 'The acting user' },
    created: schemaRef('RecordedEvent'),
  }),
  Pool: object(
    {
      fundId: string,
      divisionCode: string,
      divisionName: string,
      balance: yuanStringSchema,
      received: yuanStringSchema,
      sent: yuanStringSchema,
      inTransit: {
        ...yuanStringSchema,
        description: '在途: sent to child divisions, not yet received',
      },
      disbursed: yuanStringSchema,
      pending: { ...yuanStringSchema, description: 'Requested disbursements awaiting approval' },
      returned: yuanStringSchema,
      pendingApprovalCount: integer,
      awaitingSettlementCount: integer,
      transferCount: integer,
      revision: { ...decimalStringSchema, description: 'Absent for a pool with no events' },
    },
    ['revision'],
  ),
  PoolHistoryPage: object(
    {
      streamName: string,
      entries: {
        type: 'array',
        items: object({
          event: schemaRef('RecordedEvent'),
          balance: yuanStringSchema,
          disbursed: yuanStringSchema,
        }),
      },
      nextRevision: { ...decimalStringSchema, description: 'Absent on the last page' },
    },
    ['nextRevision'],
  ),
  PersonPayments: object({
    idNumber: {
      ...string,
      description: 'The ID number asked for, normalised (half-width digits, an upper-case X)',
    },
    payments: {
      type: 'array',
      items: schemaRef('Payment'),
      description:
        "Every payment to the ID number made inside the caller's jurisdiction, oldest first",
    },
    openFindings: {
      allOf: [schemaRef('OpenFindingsDto')],
      description:
        "The open findings (疑点: raised, assigned or reopened) whose subject's ID number, normalised, is this one and whose village lies inside the caller's jurisdiction, oldest first; a disposed finding leaves the list. Always empty in an app that runs without oversight",
    },
  }),
  Payment: object(
    {
      id: string,
      lastPosition: decimalStringSchema,
      fundId: string,
      divisionCode: string,
      transferId: string,
      idNumber: nullable(string),
      beneficiaryKind: { type: 'string', enum: [...beneficiaryKinds] },
      beneficiaryId: string,
      beneficiary: schemaRef('Beneficiary'),
      amountFen: decimalStringSchema,
      returnedFen: decimalStringSchema,
      status: { type: 'string', enum: [...disbursementStatuses] },
      allocationRef: nullable(string),
      rosterEntryRef: nullable(string),
      rosterEntry: schemaRef('RosterEntryRef'),
      purpose: nullable(string),
      requestedBy: string,
      approvedBy: nullable(string),
      rejectedBy: nullable(string),
      rejectionReason: nullable(string),
      settledBy: nullable(string),
      bankReference: nullable(string),
      failureReason: nullable(string),
      returns: {
        type: 'array',
        items: object({
          transferId: string,
          kind: { type: 'string', enum: ['reversal', 'recovery'] },
          amountFen: decimalStringSchema,
          reason: string,
          by: nullable(string),
          at: dateTime,
          position: decimalStringSchema,
        }),
      },
      requestedAt: dateTime,
      approvedAt: nullable(dateTime),
      rejectedAt: nullable(dateTime),
      paidAt: nullable(dateTime),
      failedAt: nullable(dateTime),
      requestedPosition: decimalStringSchema,
      positions: { type: 'array', items: decimalStringSchema },
      updatedAt: dateTime,
      logPosition: {
        type: 'string',
        pattern: '^[1-9][0-9]*$',
        example: '1042',
        description:
          'The log position of the request (DisbursementRequested) as /log/proofs/inclusion?position= and /log/proofs/tlog-proof?position= take it: ask them for the proof that it is in the signed log',
      },
    },
    ['rosterEntry'],
  ),
  RosterEntryRef: {
    ...object({
      rosterId: string,
      row: { type: 'integer', minimum: 2 },
      fileSha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      uploadedBy: string,
      approvedBy: string,
    }),
    description:
      'The roster (花名册) line a payment was made from: the roster, its row, the SHA-256 of the file as uploaded, who uploaded it and who approved it',
  },
  Figures: object(figures),
  Dashboard: object(
    {
      divisionCode: string,
      divisionName: string,
      level: { type: 'string', enum: [...divisionLevels] },
      parentCode: nullable(string),
      asOf: dateTime,
      readModelPosition,
      idleDays: { type: 'integer', minimum: 1 },
      idleComplete: { type: 'boolean', description: 'False when idle figures are lower bounds' },
      totals: schemaRef('Figures'),
      byFund: {
        type: 'array',
        items: {
          allOf: [
            schemaRef('Figures'),
            object({
              fundId: string,
              name: nullable(string),
              fiscalYear: nullable({ type: 'integer' }),
              purposeCategory: nullable({ type: 'string', enum: [...purposeCategories] }),
            }),
          ],
        },
      },
      byPurpose: {
        type: 'array',
        items: {
          allOf: [
            schemaRef('Figures'),
            object({ purposeCategory: nullable({ type: 'string', enum: [...purposeCategories] }) }),
          ],
        },
      },
      byFiscalYear: {
        type: 'array',
        items: {
          allOf: [schemaRef('Figures'), object({ fiscalYear: nullable({ type: 'integer' }) })],
        },
      },
      householdCount: {
        ...integer,
        description:
          'Reserved, always 0: the household figures are at /dashboards/{code}/households',
      },
      projectCount: {
        ...integer,
        description: 'Reserved, always 0: the project figures are at /dashboards/{code}/projects',
      },
      findingCount: {
        ...integer,
        description: 'Reserved, always 0: the open findings are in openFindings',
      },
      lastPosition: {
        type: 'string',
        pattern: '^[0-9]*$',
        description:
          "Position of the last event that changed this division's figures ('' when none has)",
      },
      openFindings: {
        ...object({
          total: integer,
          byRule: {
            type: 'array',
            description: 'Each rule with open findings, by ruleId; a rule with none is not listed',
            items: object({
              ruleId: { type: 'string', example: 'vehicle-owner' },
              open: { type: 'integer', minimum: 1 },
            }),
          },
          readModelPosition: findingsReadModelPosition,
        }),
        description:
          'Open findings (疑点 raised, assigned or reopened: not yet disposed) in the division and everything ' +
          'below it, by rule, from the findings read model (counts, no names). Absent only in an app ' +
          'assembled without oversight',
      },
    },
    ['openFindings'],
  ),
  ChildDashboards: object(
    {
      divisionCode: string,
      total: integer,
      readModelPosition,
      items: {
        type: 'array',
        items: object(
          {
            divisionCode: string,
            divisionName: string,
            level: { type: 'string', enum: [...divisionLevels] },
            totals: object(listingFigures),
            openFindings: {
              ...object({ total: integer }),
              description:
                "The child's open findings (疑点 not yet disposed) in its whole subtree; absent only in an app assembled without oversight",
            },
          },
          ['openFindings'],
        ),
      },
      openFindingsReadModelPosition: findingsReadModelPosition,
    },
    ['openFindingsReadModelPosition'],
  ),
};

export const childSortFieldsSchema: OpenApiSchema = { type: 'string', enum: [...childSortFields] };

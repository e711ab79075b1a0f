import { Body, Controller, Get, Header, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { StreamAccess } from '@sunlight/audit/audit.module';
import { Jurisdiction, CurrentActor, Public, Roles } from '@sunlight/auth';
import { integerQuery } from '@sunlight/http';
import { NotFoundError, RequestFieldError, type Actor } from '@sunlight/kernel';
import type { StoredChainEntry } from '@sunlight/integrity';
import {
  LogQueries,
  type ConsistencyAnswer,
  type CosignatureAnswer,
  type InclusionAnswer,
} from '../application/log-queries';
import { CosignatureAcceptedDto, CosignatureDto } from './cosignature.dto';
import { base64HashSchema, checkpointExample, ProblemResponse, TextResponse } from './openapi';

/** The part of Express's response the tile route uses (the app runs on @nestjs/platform-express). */
interface BinaryResponse {
  status(code: number): this;
  type(contentType: string): this;
  set(field: string, value: string): this;
  send(body: Buffer): this;
}

const treeNumberMax = Number.MAX_SAFE_INTEGER;
const noteContentType = 'text/plain; charset=utf-8';

const inclusionSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: [
    'position',
    'leafIndex',
    'treeSize',
    'rootHash',
    'leafHash',
    'proof',
    'checkpoint',
    'event',
  ],
  properties: {
    position: { type: 'string', pattern: '^[1-9][0-9]*$', example: '42' },
    leafIndex: { type: 'integer', minimum: 0, example: 41 },
    treeSize: { type: 'integer', minimum: 1, example: 1042 },
    rootHash: base64HashSchema,
    leafHash: base64HashSchema,
    proof: { type: 'array', maxItems: 64, items: base64HashSchema },
    checkpoint: { type: 'string', nullable: true, example: checkpointExample },
    event: {
      type: 'object',
      description:
        'The chained fields of the event: its leaf hash is SHA-256(0x00 ‖ RFC 8785 JSON of these fields)',
      required: ['position', 'stream', 'revision', 'id', 'type', 'data', 'metadata', 'recordedAt'],
      properties: {
        position: { type: 'string' },
        stream: { type: 'string' },
        revision: { type: 'string' },
        id: { type: 'string', format: 'uuid' },
        type: { type: 'string' },
        data: { type: 'object' },
        metadata: { type: 'object' },
        recordedAt: { type: 'string', format: 'date-time' },
      },
    },
  },
};

const consistencySchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to', 'fromRoot', 'toRoot', 'proof'],
  properties: {
    from: { type: 'integer', minimum: 1 },
    to: { type: 'integer', minimum: 1 },
    fromRoot: base64HashSchema,
    toRoot: base64HashSchema,
    proof: { type: 'array', maxItems: 128, items: base64HashSchema },
  },
};

/**
 * The log's Merkle tree for outsiders: signed checkpoints, inclusion and consistency proofs, and
 * the tree as C2SP tlog-tiles. Checkpoints, consistency proofs and tiles hold only hashes and are
 * public, so a witness or monitor written for other transparency logs can follow this one; an
 * inclusion proof carries its event, so it is read like the event's stream.
 */
@ApiTags('log (可验证日志)')
@Controller('log')
export class LogController {
  constructor(
    private readonly queries: LogQueries,
    private readonly access: StreamAccess,
  ) {}

  @Get('checkpoint')
  @Public()
  @Jurisdiction({ kind: 'none', why: 'checkpoints, consistency proofs and tiles are public' })
  @Header('Content-Type', noteContentType)
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({
    summary: 'The latest signed checkpoint (C2SP tlog-checkpoint), with witness cosignatures',
    description:
      'Origin line, tree size (also the position of the last event covered) and base64 RFC 6962 root, ' +
      "then a blank line, the log's Ed25519 signature and each witness's cosignature (C2SP tlog-cosignature). " +
      'Also the tlog-tiles checkpoint of this log: tiles are under /api/v1/log/tile/.',
  })
  @ApiProduces(noteContentType)
  @TextResponse('The signed checkpoint note', checkpointExample)
  @ProblemResponse(404, 'No checkpoint has been signed yet')
  checkpoint(): Promise<string> {
    return this.queries.checkpointNote();
  }

  @Get('checkpoints')
  @Public()
  @Jurisdiction({ kind: 'none', why: 'checkpoints, consistency proofs and tiles are public' })
  @Header('Content-Type', noteContentType)
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({ summary: 'The signed checkpoint of one tree size, with its cosignatures' })
  @ApiProduces(noteContentType)
  @ApiQuery({
    name: 'size',
    required: true,
    schema: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    example: 1000,
  })
  @TextResponse('The signed checkpoint note', checkpointExample)
  @ProblemResponse(400, '`size` is missing or not an integer from 0 to 2^53 − 1 (names the field)')
  @ProblemResponse(404, 'No checkpoint of that size was signed')
  checkpointOfSize(@Query('size') sizeText: string | undefined): Promise<string> {
    return this.queries.checkpointNote(requiredInteger('size', sizeText, 0));
  }

  @Post('cosignatures')
  @Public()
  @Jurisdiction({
    kind: 'none',
    why: 'a cosignature proves its sender: only the configured witnesses’ keys are accepted',
  })
  @ApiOperation({
    summary: "A witness's cosignature of a signed checkpoint (C2SP tlog-cosignature)",
    description:
      'Sent by `npx sunlight witness` once it has checked the checkpoint is consistent with the last one it ' +
      'cosigned. Accepted only from a witness in SUNLIGHT_WITNESS_KEYS and only if it verifies over the ' +
      "checkpoint's text; it is then served with the checkpoint (/log/checkpoint, /log/checkpoints?size=). " +
      "It replaces the witness's earlier cosignature of that checkpoint; the same line again answers 200 " +
      'with Idempotent-Replayed: true and writes nothing. Needs no token: the signature is the credential.',
  })
  @ApiCreatedResponse({ type: CosignatureAcceptedDto, description: 'Kept and served from now on' })
  @ApiOkResponse({
    type: CosignatureAcceptedDto,
    description: 'The very same cosignature was already kept (Idempotent-Replayed: true)',
  })
  @ProblemResponse(400, '`size` or `cosignature` is missing or malformed (names the field)')
  @ProblemResponse(404, 'No checkpoint of that size was signed')
  @ProblemResponse(
    422,
    "LOG.COSIGNATURE_REFUSED: not a configured witness, or the signature does not verify over the checkpoint's text",
  )
  async cosign(
    @Body() body: CosignatureDto,
    @Res({ passthrough: true })
    response: { setHeader(n: string, v: string): unknown; status(code: number): unknown },
  ): Promise<CosignatureAnswer> {
    const { answer, replayed } = await this.queries.addCosignature(body.size, body.cosignature);
    response.setHeader('Idempotent-Replayed', String(replayed));
    response.status(replayed ? 200 : 201);
    return answer;
  }

  @Get('proofs/inclusion')
  @ApiBearerAuth()
  @Roles('commission', 'finance', 'approver', 'bank')
  @Jurisdiction({ kind: 'event', name: 'position' })
  @ApiOperation({
    summary: 'An inclusion proof of the event at a log position, with the event (RFC 9162 §2.1.3)',
    description:
      'Against the tree of `treeSize` leaves (default: the latest checkpoint). Recompute the leaf hash ' +
      "from `event`, then check the proof against the checkpoint's root. The event is read like its " +
      "stream (/streams/{streamName}/events): inside the caller's jurisdiction.",
  })
  @ApiQuery({
    name: 'position',
    required: true,
    schema: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
    example: 42,
  })
  @ApiQuery({
    name: 'treeSize',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
    example: 1042,
  })
  @ApiOkResponse({ description: 'The proof and its event', schema: inclusionSchema })
  @ProblemResponse(
    400,
    '`position` or `treeSize` is missing or not a positive integer (names the field)',
  )
  @ProblemResponse(401, 'No bearer token, or an invalid or expired one')
  @ProblemResponse(
    403,
    "The caller's role may not read proofs, or the event is outside its jurisdiction",
  )
  @ProblemResponse(
    404,
    'No event at that position, no checkpoint yet, or the tree has not reached that size or position',
  )
  async inclusion(
    @Query('position') positionText: string | undefined,
    @Query('treeSize') treeSizeText: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<InclusionAnswer> {
    const entry = await this.readableEvent(actor, requiredInteger('position', positionText, 1));
    return this.queries.inclusion(entry, integerQuery('treeSize', treeSizeText, 1, treeNumberMax));
  }

  @Get('proofs/tlog-proof')
  @ApiBearerAuth()
  @Roles('commission', 'finance', 'approver', 'bank')
  @Jurisdiction({ kind: 'event', name: 'position' })
  @Header('Content-Type', noteContentType)
  @ApiOperation({
    summary: 'A C2SP tlog-proof of the event at a position: checkpoint, index and inclusion proof',
    description:
      'For offline checking: the first signed checkpoint that covers the position, with its cosignatures. ' +
      'Readable as the inclusion proof is.',
  })
  @ApiProduces(noteContentType)
  @ApiQuery({
    name: 'position',
    required: true,
    schema: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
    example: 42,
  })
  @TextResponse(
    'The tlog-proof bundle',
    `c2sp.org/tlog-proof@v1\nindex 41\n…\n\n${checkpointExample}`,
  )
  @ProblemResponse(400, '`position` is missing or not a positive integer (names the field)')
  @ProblemResponse(401, 'No bearer token, or an invalid or expired one')
  @ProblemResponse(
    403,
    "The caller's role may not read proofs, or the event is outside its jurisdiction",
  )
  @ProblemResponse(404, 'No event at that position, or no checkpoint covers it yet')
  async tlogProof(
    @Query('position') positionText: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<string> {
    const entry = await this.readableEvent(actor, requiredInteger('position', positionText, 1));
    return this.queries.tlogProof(entry);
  }

  @Get('proofs/consistency')
  @Public()
  @Jurisdiction({ kind: 'none', why: 'checkpoints, consistency proofs and tiles are public' })
  @ApiOperation({
    summary:
      'A consistency proof from the tree of `from` leaves to the tree of `to` (RFC 9162 §2.1.4)',
    description:
      'Shows that the larger tree extends the smaller: nothing of it was changed or removed.',
  })
  @ApiQuery({
    name: 'from',
    required: true,
    schema: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
    example: 1000,
  })
  @ApiQuery({
    name: 'to',
    required: true,
    schema: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
    example: 1042,
  })
  @ApiOkResponse({ description: 'The proof and both roots', schema: consistencySchema })
  @ProblemResponse(400, '`from` or `to` is missing or not a positive integer (names the field)')
  @ProblemResponse(404, '`from` exceeds `to`, or the tree has not reached `to` leaves')
  consistency(
    @Query('from') fromText: string | undefined,
    @Query('to') toText: string | undefined,
  ): Promise<ConsistencyAnswer> {
    return this.queries.consistency(
      requiredInteger('from', fromText, 1),
      requiredInteger('to', toText, 1),
    );
  }

  @Get('tile/*path')
  @Public()
  @Jurisdiction({ kind: 'none', why: 'checkpoints, consistency proofs and tiles are public' })
  @ApiOperation({
    summary: 'A tile of the tree (C2SP tlog-tiles): tile/<L>/<N>[.p/<W>]',
    description:
      'Up to 256 consecutive 32-byte hashes of tree level 8·L. Immutable once served. Entry bundles ' +
      '(tile/entries/…) are not served: events are read through the API.',
  })
  @ApiParam({
    name: 'path',
    description: '<L>/<N>[.p/<W>]',
    schema: { type: 'string', minLength: 1, maxLength: 256, example: '0/x001/234.p/17' },
  })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({
    description: 'The tile: width × 32 bytes',
    headers: {
      'Cache-Control': {
        description: 'public, max-age=31536000, immutable',
        schema: { type: 'string' },
      },
    },
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  @ProblemResponse(404, 'Not a tile path, an entry bundle, or a tile the tree does not have yet')
  async tile(
    @Param('path') path: string | string[],
    @Res() response: BinaryResponse,
  ): Promise<void> {
    const tile = await this.queries.tile(`tile/${Array.isArray(path) ? path.join('/') : path}`);
    response
      .status(200)
      .type('application/octet-stream')
      .set('Cache-Control', 'public, max-age=31536000, immutable')
      .send(tile);
  }

  private async readableEvent(actor: Actor, position: number): Promise<StoredChainEntry> {
    const entry = await this.queries.event(position);
    if (entry === undefined) {
      throw new NotFoundError('LOG.EVENT_NOT_FOUND', `No event at position ${position}`);
    }
    this.access.assertMayRead(actor, entry.stream);
    return entry;
  }
}

function requiredInteger(field: string, text: string | undefined, min: number): number {
  const value = integerQuery(field, text, min, treeNumberMax);
  if (value === undefined) throw new RequestFieldError(field, 'is required');
  return value;
}

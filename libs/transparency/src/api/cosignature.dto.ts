import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** `— <witness name> <base64(key id ‖ time ‖ Ed25519 signature)>`: 4 + 8 + 64 bytes. */
export const cosignatureLinePattern = /^— [^\s+]{1,200} [A-Za-z0-9+/]{102}==$/;
const cosignatureLineExample =
  '— witness-county-530325 Gis8TQAAAABpNfCAO7Eu2jwpjbXeJVl/VNkk8uF+eKJq2JU+2CGO5oLwu76QIeLzAJ0VLJEb8fJexoOpAnFBZnZ6+9jlvQ+wEk7Lig==';

/** A witness's cosignature of one of the log's signed checkpoints (C2SP tlog-cosignature). */
export class CosignatureDto {
  @ApiProperty({
    description: 'The tree size of the checkpoint cosigned (its second line)',
    example: 1042,
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
  })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  size!: number;

  @ApiProperty({
    description:
      "The witness's signature line over the checkpoint's text, as a signed note carries it: an em " +
      'dash, a space, the witness name, a space and base64 of the 4-byte key id, the 8-byte time and the ' +
      '64-byte Ed25519 signature of `cosignature/v1\\ntime <t>\\n` and the checkpoint text',
    example: cosignatureLineExample,
    pattern: cosignatureLinePattern.source,
    maxLength: 310,
  })
  @IsString()
  @MaxLength(310)
  @Matches(cosignatureLinePattern, {
    message: '$property must be "— <witness name> <base64 of 76 bytes>"',
  })
  cosignature!: string;
}

/** What the log kept. */
export class CosignatureAcceptedDto {
  @ApiProperty({ example: 1042 })
  size!: number;

  @ApiProperty({ example: 'witness-county-530325' })
  witness!: string;

  @ApiProperty({ enum: ['province', 'prefecture', 'county', 'township'], example: 'county' })
  level!: string;

  @ApiProperty({
    description: 'When the witness says it cosigned',
    format: 'date-time',
    example: '2026-12-03T08:00:00.000Z',
  })
  cosignedAt!: string;
}

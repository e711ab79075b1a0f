import { resolveKeptSecret, type KeptSecret } from '@sunlight/keys';

/** RFC 7518 §3.2: an HS256 key must be at least as long as the hash output (256 bits). */
export const jwtSecretLengthMin = 32;

export const jwtSecretFileName = 'jwt-secret';
// 384 bits: more than HS256 needs, so the generated key is never the weak link.
export const generatedJwtSecretBytes = 48;

export type ResolvedJwtSecret = KeptSecret;

/**
 * The HS256 key for bearer tokens. Production passes JWT_SECRET. The embedded default keeps a
 * random key in `<dataDir>/jwt-secret` (mode 0600), so the app and the `sunlight token` command
 * agree on it without any setup and tokens survive a restart.
 */
export function resolveJwtSecret(config: {
  jwtSecret?: string;
  dataDir: string;
}): Promise<ResolvedJwtSecret> {
  return resolveKeptSecret({
    what: 'JWT signing key',
    variable: 'JWT_SECRET',
    configured: config.jwtSecret,
    dataDir: config.dataDir,
    fileName: jwtSecretFileName,
    lengthMin: jwtSecretLengthMin,
    generatedBytes: generatedJwtSecretBytes,
  });
}

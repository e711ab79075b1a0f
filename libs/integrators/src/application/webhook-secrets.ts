import { createHmac } from 'node:crypto';
import { resolveKeptSecret } from '@sunlight/keys';
import type { SubscriptionState } from '../domain/subscription.decider';

/*
 * A subscription's signing secret is never stored: it is HMAC-SHA256 of the subscription id and
 * the secret's version under the server's webhook key, so the log (which every auditor reads)
 * holds only the version, and every instance sharing the key signs alike.
 */

export const webhookKeyLengthMin = 32;
export const WEBHOOK_KEY = 'WEBHOOK_KEY';

/** The Standard Webhooks secret (`whsec_` + base64 of 32 bytes) of one version. */
export function subscriptionSecret(key: string, subscriptionId: string, version: number): string {
  const bytes = createHmac('sha256', key).update(`${subscriptionId}/v${version}`).digest();
  return `whsec_${bytes.toString('base64')}`;
}

/** The secrets a delivery made at `now` is signed with: the current one, and the previous during its overlap. */
export function signingSecrets(
  key: string,
  state: SubscriptionState & { created: { subscriptionId: string } },
  now: Date,
): string[] {
  const id = state.created.subscriptionId;
  const secrets = [subscriptionSecret(key, id, state.secretVersion)];
  if (
    state.secretVersion > 1 &&
    state.previousValidUntil !== undefined &&
    now.getTime() < Date.parse(state.previousValidUntil)
  ) {
    secrets.push(subscriptionSecret(key, id, state.secretVersion - 1));
  }
  return secrets;
}

export async function resolveWebhookKey(options: {
  secretKey?: string;
  dataDir: string;
}): Promise<string> {
  const kept = await resolveKeptSecret({
    what: 'webhook signing key',
    variable: 'WEBHOOK_SECRET_KEY',
    configured: options.secretKey,
    dataDir: options.dataDir,
    fileName: 'webhook-key',
    lengthMin: webhookKeyLengthMin,
    generatedBytes: 48,
  });
  return kept.secret;
}

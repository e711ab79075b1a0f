import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';

/*
 * One webhook delivery, as Standard Webhooks says (webhook-id, webhook-timestamp,
 * webhook-signature: `v1,<base64 HMAC-SHA256>` per secret, space-separated while a rotated
 * secret overlaps its successor), to a URL that must not reach inside the operator's network
 * (SSRF): https only, and no loopback, private, link-local, shared, multicast or reserved address
 * unless an admin's allow-list names the host. The address is checked at connection time, from
 * the very lookup the connection uses, so a name that resolves elsewhere later (DNS rebinding)
 * is refused too. Redirects are not followed; the receiver's body is read only so far.
 */

/** Bytes of a receiver's answer kept (for the error message); the rest is not read. */
export const webhookResponseBytesMax = 4_096;
export const webhookUrlLengthMax = 2_048;

const forbidden = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  forbidden.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  forbidden.addSubnet(network, prefix, 'ipv6');
}

/** Whether an address lies in a range a webhook may not reach (IPv4-mapped IPv6 by its IPv4). */
export function isForbiddenAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped !== null) return forbidden.check(mapped[1] as string, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return forbidden.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Why a subscription may not use this URL, or undefined; the address check comes on connecting. */
export function webhookUrlProblem(text: string, allowList: readonly string[]): string | undefined {
  if (text.length > webhookUrlLengthMax) return `must be at most ${webhookUrlLengthMax} characters`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username !== '' || url.password !== '') return 'must not carry credentials';
  if (url.hash !== '') return 'must not carry a fragment';
  const allowed = allowList.includes(hostOf(url));
  if (url.protocol === 'http:' && !allowed)
    return 'must be https (http only for allow-listed hosts)';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https URL';
  const host = hostOf(url);
  if (isIP(host) !== 0 && isForbiddenAddress(host) && !allowed) {
    return `must not point at a private, loopback or reserved address (${host})`;
  }
  return undefined;
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** The `webhook-signature` value: one `v1,…` per secret, so receivers holding either verify. */
export function signWebhook(
  secrets: readonly string[],
  id: string,
  timestamp: Date,
  body: string,
): string {
  if (secrets.length === 0) throw new RangeError('a webhook needs at least one secret');
  return secrets.map((secret) => new Webhook(secret).sign(id, timestamp, body)).join(' ');
}

export interface WebhookMessage {
  /** The same for every attempt at the same content: receivers deduplicate on it. */
  readonly id: string;
  readonly timestamp: Date;
  readonly body: string;
  readonly contentType: string;
}

export interface DeliveryOptions {
  readonly secrets: readonly string[];
  readonly allowList: readonly string[];
  readonly timeoutMs: number;
  /** Name resolution, replaceable in tests; the answer is checked before connecting. */
  readonly resolve?: (hostname: string) => Promise<readonly string[]>;
}

export type DeliveryOutcome =
  | { readonly ok: true; readonly status: number; readonly durationMs: number }
  | {
      readonly ok: false;
      readonly status?: number;
      readonly error: string;
      readonly durationMs: number;
    };

async function systemResolve(hostname: string): Promise<readonly string[]> {
  return (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);
}

/**
 * POSTs one message. A 2xx answer is delivered; anything else (3xx not followed, 4xx, 5xx, a
 * refused address, a timeout, a broken connection) is a failed attempt saying why, never a throw.
 */
export async function deliverWebhook(
  url: string,
  message: WebhookMessage,
  options: DeliveryOptions,
): Promise<DeliveryOutcome> {
  const started = Date.now();
  const failed = (error: string, status?: number): DeliveryOutcome => ({
    ok: false,
    error,
    ...(status === undefined ? {} : { status }),
    durationMs: Date.now() - started,
  });
  const problem = webhookUrlProblem(url, options.allowList);
  if (problem !== undefined) return failed(`url ${problem}`);
  const target = new URL(url);
  const allowed = options.allowList.includes(hostOf(target));
  const resolve = options.resolve ?? systemResolve;
  let addresses: readonly string[];
  try {
    addresses = isIP(hostOf(target)) !== 0 ? [hostOf(target)] : await resolve(target.hostname);
  } catch (error) {
    return failed(`cannot resolve ${target.hostname}: ${(error as Error).message}`);
  }
  const refused = addresses.filter(isForbiddenAddress);
  if (addresses.length === 0) return failed(`${target.hostname} has no address`);
  if (refused.length > 0 && !allowed) {
    return failed(
      `${target.hostname} resolves to a private, loopback or reserved address (${refused[0]})`,
    );
  }
  const address = addresses[0] as string;
  // The connection goes to the address just checked, whatever a second lookup would say.
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all === true) {
      (
        callback as unknown as (
          error: null,
          addresses: { address: string; family: number }[],
        ) => void
      )(null, [{ address, family: isIP(address) }]);
    } else callback(null, address, isIP(address));
  };
  const body = Buffer.from(message.body, 'utf8');
  const headers = {
    'content-type': message.contentType,
    'content-length': String(body.length),
    'user-agent': 'sunlight-webhooks/1',
    'webhook-id': message.id,
    'webhook-timestamp': String(Math.floor(message.timestamp.getTime() / 1000)),
    'webhook-signature': signWebhook(options.secrets, message.id, message.timestamp, message.body),
  };
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise<DeliveryOutcome>((settle) => {
    let settled = false;
    const finish = (outcome: DeliveryOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      settle(outcome);
    };
    const request = transport.request(
      target,
      { method: 'POST', headers, lookup: pinned, agent: false },
      (response) => {
        const status = response.statusCode ?? 0;
        let kept = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (kept.length < webhookResponseBytesMax)
            kept += chunk.slice(0, webhookResponseBytesMax - kept.length);
          // Only the start matters: a receiver answering 50 MB is not read to the end.
          if (kept.length >= webhookResponseBytesMax) response.destroy();
        });
        const done = () => {
          if (status >= 200 && status < 300)
            finish({ ok: true, status, durationMs: Date.now() - started });
          else if (status >= 300 && status < 400)
            finish(failed(`answered ${status}; redirects are not followed`, status));
          else finish(failed(`answered ${status}: ${kept.trim().slice(0, 200)}`, status));
        };
        response.on('end', done);
        response.on('close', done);
        response.on('error', done);
      },
    );
    const timer = setTimeout(() => {
      request.destroy(new Error(`no answer within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    request.on('error', (error) => finish(failed(error.message)));
    request.end(body);
  });
}

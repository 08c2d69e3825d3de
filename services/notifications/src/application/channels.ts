/**
 * The port between the delivery pipeline and the outside world: one sender per external channel.
 * The in-app inbox is not a sender (it is a row written in the service's own database).
 */
export type ExternalChannel = 'email' | 'webhook' | 'sms' | 'push';

/** A webhook endpoint a tenant registered, as a sender needs it. */
export interface WebhookTarget {
  endpointId: string;
  url: string;
  /**
   * Signing secrets, newest first, each `whsec_<base64>` as Standard Webhooks defines them. While a
   * secret is being rotated, several are active and the request carries one signature per secret.
   */
  secrets: readonly string[];
}

/** A web push subscription (the browser's PushSubscription JSON). */
export interface PushTarget {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** One message to send once on one channel. Rendered already: senders do not template. */
export interface OutboundMessage {
  /**
   * Stable across every retry of this delivery, and the same for a redelivered event: it is the
   * email's Message-ID seed, the webhook's `webhook-id`, the SMS provider's idempotency key.
   */
  deliveryId: string;
  tenant: string;
  channel: ExternalChannel;
  /** Where it goes: the field that matches the channel is set. */
  to: { email?: string; phone?: string; webhook?: WebhookTarget; push?: PushTarget };
  /** email: subject; push: title. */
  subject?: string;
  /** email text part; sms body; push body. */
  text?: string;
  /** email HTML part. */
  html?: string;
  /** webhook: the JSON body (Standard Webhooks payload: `{ type, timestamp, data }`). */
  payload?: Record<string, unknown>;
}

export interface SendResult {
  /** The provider's id for the message when it gives one (SMTP message id, SMS sid, HTTP status). */
  providerReference?: string;
}

/**
 * Why a send failed. `retryable` false means another attempt cannot help (a 4xx other than
 * 408/429, a refused address, an SSRF refusal); `retryAfterMs` honours a provider's Retry-After.
 */
export class DeliveryFailure extends Error {
  override readonly name = 'DeliveryFailure';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * Sends one message. Resolves when the provider accepted it; rejects with DeliveryFailure (or
 * any other error, treated as retryable). Implementations wrap every call to the provider in an
 * opossum breaker per provider or per webhook endpoint, so one failing endpoint fails fast
 * without slowing the others; an open breaker rejects with a retryable DeliveryFailure.
 */
export interface ChannelSender {
  readonly channel: ExternalChannel;
  send(message: OutboundMessage): Promise<SendResult>;
}

/**
 * Refuses URLs that resolve to private, loopback, link-local or otherwise non-public addresses
 * (SSRF). Used at webhook registration and again at send time (DNS can change). Throws
 * HexbaseError `validation` code `WEBHOOK_URL_REFUSED` naming the field it is given.
 */
export interface UrlGuard {
  assertPublic(url: string, field: string): Promise<void>;
}

import amqplib, { type Channel, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { HexbaseError } from '@hexbase/contracts';
import { brokerUnavailable } from './confirmed-sender';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** Declares topology or starts consumers on a fresh connection. Runs again after every reconnect. */
export type ConnectionSetup = (connection: AmqpConnection) => Promise<void>;

export interface AmqpConnectionOptions {
  url: string;
  /** Shown as the connection name in the broker's tools (`rabbitmqctl list_connections client_properties`). */
  name: string;
  /** Called on every state change, with the error that caused a drop or a failed attempt. */
  onStateChange?: (state: ConnectionState, error?: unknown) => void;
  /** Reconnect backoff: doubles from `initialDelayMs` up to `maxDelayMs`, with jitter. Defaults 200 ms and 10 s. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /** AMQP heartbeat, so a silently dead peer is noticed. Default 10 s; a `heartbeat` in the URL wins. */
  heartbeatSeconds?: number;
  /** Default 5 s. */
  connectTimeoutMs?: number;
}

/**
 * One AMQP connection that heals itself.
 *
 * Guarantees:
 * - Never throws or emits an unhandled error into the process because of the broker: connection
 *   and channel errors are caught, and a dropped connection is re-opened with capped exponential
 *   backoff and jitter until `close()` is called.
 * - Every setup added with `addSetup` runs once on each new connection, before the state becomes
 *   `connected`, so topology and consumers are back before `waitUntilConnected` resolves.
 * - Channels belong to the connection they were created on: after a drop they are closed, and
 *   owners (publisher, consumers) open new ones.
 * - Operations that need the broker fail fast with a HexbaseError of kind `unavailable`
 *   (code BROKER_UNAVAILABLE) while disconnected; nothing waits for the broker to come back.
 */
export interface AmqpConnection {
  readonly name: string;
  state(): ConnectionState;
  isConnected(): boolean;
  /** True while the broker blocks publishing (memory or disk alarm). */
  isBlocked(): boolean;
  /** Resolves once connected (and all setups have run); rejects with BROKER_UNAVAILABLE after `timeoutMs` or when closed. */
  waitUntilConnected(timeoutMs: number): Promise<void>;
  createChannel(): Promise<Channel>;
  createConfirmChannel(): Promise<ConfirmChannel>;
  /**
   * Registers a setup to run on this connection now (if it is open) and after every reconnect.
   * Resolves with an unregister function once the first run succeeded; rejects (and unregisters)
   * if that first run fails. When the connection is down, resolves at once and runs it on connect.
   * Rejects with BROKER_UNAVAILABLE once `close()` was called.
   */
  addSetup(setup: ConnectionSetup): Promise<() => void>;
  /** Closes the connection and stops reconnecting. Idempotent. */
  close(): Promise<void>;
}

/** Starts connecting in the background and returns at once; see AmqpConnection for the guarantees. */
export function createAmqpConnection(options: AmqpConnectionOptions): AmqpConnection {
  return new AmqplibConnection(options);
}

/** Backoff before reconnect attempt `failures` (0-based): half fixed, half random, capped. */
export function reconnectDelayMs(failures: number, initialDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(failures, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

class AmqplibConnection implements AmqpConnection {
  readonly name: string;
  #model: ChannelModel | undefined;
  #state: ConnectionState = 'connecting';
  #blocked = false;
  #closing = false;
  #generation = 0;
  readonly #setups = new Set<ConnectionSetup>();
  readonly #setupGeneration = new WeakMap<ConnectionSetup, number>();
  readonly #stateListeners = new Set<(state: ConnectionState) => void>();
  #cancelSleep: (() => void) | undefined;
  readonly #loop: Promise<void>;

  constructor(private readonly options: AmqpConnectionOptions) {
    this.name = options.name;
    this.#loop = this.#run();
  }

  state(): ConnectionState {
    return this.#state;
  }

  isConnected(): boolean {
    return this.#state === 'connected' && this.#model !== undefined;
  }

  isBlocked(): boolean {
    return this.#blocked;
  }

  waitUntilConnected(timeoutMs: number): Promise<void> {
    if (this.isConnected()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const finish = (error?: HexbaseError) => {
        clearTimeout(timer);
        this.#stateListeners.delete(listener);
        if (error) reject(error);
        else resolve();
      };
      const listener = (state: ConnectionState) => {
        if (state === 'connected') finish();
        else if (state === 'closed') finish(brokerUnavailable(`connection "${this.name}" is closed`));
      };
      const timer = setTimeout(() => finish(brokerUnavailable(`connection "${this.name}" not connected after ${timeoutMs} ms`)), timeoutMs);
      this.#stateListeners.add(listener);
      if (this.#state === 'closed') listener('closed');
    });
  }

  async createChannel(): Promise<Channel> {
    const channel = await this.#withModel((model) => model.createChannel());
    channel.on('error', () => {});
    return channel;
  }

  async createConfirmChannel(): Promise<ConfirmChannel> {
    const channel = await this.#withModel((model) => model.createConfirmChannel());
    channel.on('error', () => {});
    return channel;
  }

  async addSetup(setup: ConnectionSetup): Promise<() => void> {
    if (this.#closing) throw brokerUnavailable(`connection "${this.name}" is closed`);
    this.#setups.add(setup);
    const unregister = () => {
      this.#setups.delete(setup);
    };
    if (this.#model !== undefined && this.#setupGeneration.get(setup) !== this.#generation) {
      try {
        await this.#runSetup(setup);
      } catch (error) {
        unregister();
        throw error;
      }
    }
    return unregister;
  }

  async close(): Promise<void> {
    if (!this.#closing) {
      this.#closing = true;
      this.#cancelSleep?.();
      const model = this.#model;
      if (model) await model.close().catch(() => {});
    }
    await this.#loop;
  }

  async #withModel<T>(open: (model: ChannelModel) => Promise<T>): Promise<T> {
    const model = this.#model;
    if (!model) throw brokerUnavailable(`connection "${this.name}" is not connected`);
    try {
      return await open(model);
    } catch (error) {
      throw brokerUnavailable(`could not open a channel on "${this.name}"`, error);
    }
  }

  #runSetup(setup: ConnectionSetup): Promise<void> {
    this.#setupGeneration.set(setup, this.#generation);
    return setup(this);
  }

  #setState(state: ConnectionState, error?: unknown): void {
    if (state === this.#state && error === undefined) return;
    this.#state = state;
    try {
      this.options.onStateChange?.(state, error);
    } catch {
      // A faulty observer must not stop the reconnect loop.
    }
    for (const listener of [...this.#stateListeners]) listener(state);
  }

  async #run(): Promise<void> {
    const initialDelayMs = this.options.reconnect?.initialDelayMs ?? 200;
    const maxDelayMs = this.options.reconnect?.maxDelayMs ?? 10_000;
    let failures = 0;
    while (!this.#closing) {
      try {
        const model = await amqplib.connect(withHeartbeat(this.options.url, this.options.heartbeatSeconds ?? 10), {
          timeout: this.options.connectTimeoutMs ?? 5000,
          noDelay: true,
          clientProperties: { connection_name: this.name },
        });
        if (this.#closing) {
          await model.close().catch(() => {});
          break;
        }
        const dropped = this.#adopt(model);
        failures = 0;
        await Promise.allSettled([...this.#setups].filter((setup) => this.#setupGeneration.get(setup) !== this.#generation).map((setup) => this.#runSetup(setup)));
        if (this.#model === model) this.#setState('connected');
        await dropped;
      } catch (error) {
        if (!this.#closing) this.#setState('reconnecting', error);
      }
      if (!this.#closing) await this.#sleep(reconnectDelayMs(failures++, initialDelayMs, maxDelayMs));
    }
    this.#setState('closed');
  }

  /** Makes `model` the current connection; the returned promise resolves when it closes, for whatever reason. */
  #adopt(model: ChannelModel): Promise<void> {
    this.#model = model;
    this.#generation += 1;
    this.#blocked = false;
    let lastError: unknown;
    model.on('blocked', () => {
      this.#blocked = true;
    });
    model.on('unblocked', () => {
      this.#blocked = false;
    });
    return new Promise((resolve) => {
      model.on('error', (error: unknown) => {
        lastError = error;
      });
      model.on('close', (error: unknown) => {
        if (this.#model === model) {
          this.#model = undefined;
          this.#blocked = false;
          if (!this.#closing) this.#setState('reconnecting', error ?? lastError ?? new Error('connection closed'));
        }
        resolve();
      });
    });
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#cancelSleep = done;
    });
  }
}

function withHeartbeat(url: string, seconds: number): string {
  const parsed = new URL(url);
  if (parsed.searchParams.has('heartbeat')) return url;
  parsed.searchParams.set('heartbeat', String(seconds));
  return parsed.toString();
}

import { describe, expect, it } from 'vitest';
import { eventually, testServers } from '@hexbase/testing';
import { createAmqpConnection, type ConnectionState } from './amqp-connection';

describe('AMQP connection', () => {
  it('keeps trying an unreachable broker without crashing, and says so', async () => {
    const states: Array<{ state: ConnectionState; error?: unknown }> = [];
    const connection = createAmqpConnection({
      url: 'amqp://guest:guest@127.0.0.1:1',
      name: 'connection-test-unreachable',
      reconnect: { initialDelayMs: 10, maxDelayMs: 50 },
      onStateChange: (state, error) => states.push({ state, error }),
    });

    await expect(connection.waitUntilConnected(300)).rejects.toMatchObject({ code: 'BROKER_UNAVAILABLE', kind: 'unavailable' });
    await expect(connection.createChannel()).rejects.toMatchObject({ code: 'BROKER_UNAVAILABLE' });
    await eventually(() => (states.filter((entry) => entry.state === 'reconnecting').length >= 2 ? true : undefined), { what: 'repeated attempts' });
    expect(states[0]!.error).toBeInstanceOf(Error);

    await connection.close();
    expect(connection.state()).toBe('closed');
    await expect(connection.addSetup(async () => {})).rejects.toMatchObject({ code: 'BROKER_UNAVAILABLE' });
  });

  it('runs a setup at once when connected, and rejects when that first run fails', async () => {
    const connection = createAmqpConnection({ url: testServers().rabbitmqUrl, name: 'connection-test-setup' });
    try {
      await connection.waitUntilConnected(10_000);
      const runs: string[] = [];

      const unregister = await connection.addSetup(async (current) => {
        const channel = await current.createChannel();
        runs.push('declared');
        await channel.close();
      });

      expect(runs).toEqual(['declared']);
      unregister();
      await expect(connection.addSetup(async () => Promise.reject(new Error('bad topology')))).rejects.toThrow('bad topology');
      expect(connection.isConnected()).toBe(true);
    } finally {
      await connection.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from './amqp-connection';

describe('reconnectDelayMs', () => {
  it('doubles from the initial delay, between half and all of the ceiling', () => {
    expect(reconnectDelayMs(0, 200, 10_000, () => 0)).toBe(100);
    expect(reconnectDelayMs(0, 200, 10_000, () => 1)).toBe(200);
    expect(reconnectDelayMs(3, 200, 10_000, () => 0)).toBe(800);
    expect(reconnectDelayMs(3, 200, 10_000, () => 1)).toBe(1600);
  });

  it('never exceeds the cap, however many failures', () => {
    expect(reconnectDelayMs(10, 200, 10_000, () => 1)).toBe(10_000);
    expect(reconnectDelayMs(5000, 200, 10_000, () => 1)).toBe(10_000);
  });
});

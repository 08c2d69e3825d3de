import { GenericContainer, Wait } from 'testcontainers';
import type { TestServers } from './servers';

/** Starts PostgreSQL 15, Redis 7 and RabbitMQ 3 in containers for one test run. */
export async function startContainers(): Promise<TestServers> {
  const [postgres, redis, rabbitmq] = await Promise.all([
    new GenericContainer('postgres:15-alpine')
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust', POSTGRES_DB: 'hexbase' })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start(),
    new GenericContainer('redis:7-alpine').withExposedPorts(6379).start(),
    new GenericContainer('rabbitmq:3.13-alpine')
      .withExposedPorts(5672)
      .withWaitStrategy(Wait.forLogMessage(/Server startup complete/))
      .start(),
  ]);
  return {
    databaseUrl: `postgresql://postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/hexbase`,
    redisUrl: `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`,
    rabbitmqUrl: `amqp://guest:guest@${rabbitmq.getHost()}:${rabbitmq.getMappedPort(5672)}`,
    origin: 'testcontainers',
    stop: async () => {
      await Promise.all([postgres.stop(), redis.stop(), rabbitmq.stop()]);
    },
  };
}

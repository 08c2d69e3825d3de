import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAmqpConnection } from '@hexbase/messaging';
import { eventually, testServers } from '@hexbase/testing';
import { startPipeline, type Pipeline } from './support/pipeline';

/**
 * The curl commands of the README's ```sh blocks, run as written against a pipeline of real
 * processes, in order, each checked against what the README says it does. A command without an
 * entry in EXPECTATIONS fails, so the README cannot change without this file noticing.
 */

const run = promisify(execFile);
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const CURL_PATH = '/usr/bin';

interface ReadmeCommand {
  /** The command as the shell receives it: continuation lines joined, quoted line breaks kept. */
  text: string;
  /** The comment lines just above it. */
  intro: string[];
  /** The `# -> ...` comment lines just below it. */
  outcome: string[];
}

/** Splits a ```sh block into commands the way sh does for these examples: quotes span lines, `\` joins them. */
function commandsOf(block: string): ReadmeCommand[] {
  const commands: ReadmeCommand[] = [];
  let text = '';
  let quote: string | undefined;
  let comments: string[] = [];
  for (const line of block.split('\n')) {
    const trimmed = line.trim();
    if (quote === undefined && text === '') {
      if (trimmed.startsWith('#')) {
        const last = commands.at(-1);
        if (trimmed.startsWith('# ->') && comments.length === 0 && last) last.outcome.push(trimmed.slice(4).trim());
        else comments.push(trimmed.slice(1).trim());
        continue;
      }
      if (trimmed === '') continue;
    }
    for (const char of line) {
      if (quote !== undefined) {
        if (char === quote) quote = undefined;
      } else if (char === "'" || char === '"') {
        quote = char;
      }
    }
    if (quote !== undefined) {
      text += `${line}\n`;
    } else if (line.endsWith('\\')) {
      text += `${line.slice(0, -1)} `;
    } else {
      commands.push({ text: `${text}${line}`.trim(), intro: comments, outcome: [] });
      text = '';
      comments = [];
    }
  }
  return commands;
}

function readmeCurlCommands(): ReadmeCommand[] {
  const blocks = [...README.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1]!).filter((block) => block.includes('curl'));
  return blocks.flatMap(commandsOf).filter((command) => /^curl\s/.test(command.text));
}

interface Answer {
  status: number | undefined;
  headers: Headers;
  /** The body parsed as JSON. */
  body: any;
}

/** curl's output: with `-i`, the status line and headers first. */
function answerOf(stdout: string): Answer {
  const headers = new Headers();
  if (!stdout.startsWith('HTTP/')) return { status: undefined, headers, body: JSON.parse(stdout) };
  const end = stdout.indexOf('\r\n\r\n');
  const [statusLine, ...headerLines] = stdout.slice(0, end).split('\r\n');
  for (const line of headerLines) headers.append(line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim());
  return { status: Number(statusLine!.split(' ')[1]), headers, body: JSON.parse(stdout.slice(end + 4)) };
}

/** `# -> 201, ETag: "1", Hexbase-Consistency-Token: ..., Location: /v1/...`: the status and every header whose value is not `...`. */
function expectArrowComment(outcome: string[], answer: Answer) {
  const claims = outcome.join(' ').split(/,\s+(?=[A-Za-z][A-Za-z-]*:\s)/);
  const status = /^(\d{3})\b/.exec(claims[0]!.trim());
  if (status) expect(answer.status, `the README says ${claims[0]}`).toBe(Number(status[1]));
  for (const claim of claims.slice(status ? 1 : 0)) {
    const [name, ...rest] = claim.split(':');
    const value = rest.join(':').trim();
    expect(answer.headers.has(name!.trim()), `the README says the answer has ${name}`).toBe(true);
    if (value !== '...') expect(answer.headers.get(name!.trim())).toBe(value);
  }
}

function problemFieldsOf(answer: Answer): string[] {
  return (answer.body.errors ?? []).map((error: { field: string }) => error.field);
}

let pipeline: Pipeline;

interface Expectation {
  /** What the README says the command shows. */
  says: string;
  check(answer: Answer, command: ReadmeCommand): Promise<void> | void;
  /** Runs before the command: events reach the event store asynchronously. */
  before?(): Promise<void>;
}

/** Waits until the event store holds both events the README's writes produced. */
async function eventStoreHoldsTheTask(): Promise<void> {
  try {
    await eventually(
      async () => {
        const response = await fetch(`${pipeline.eventStore.url}/v1/streams/tasks%2Fwrite-docs/events`);
        return response.ok && ((await response.json()) as { items: unknown[] }).items.length === 2 ? true : undefined;
      },
      { timeoutMs: 30_000, what: 'the events of tasks/write-docs in the event store' },
    );
  } catch (error) {
    const tail = (output: string) => output.split('\n').slice(-20).join('\n');
    throw new Error(`${(error as Error).message}\nrecords-relay:\n${tail(pipeline.relay.output())}\nevent-store:\n${tail(pipeline.eventStore.output())}`);
  }
}

/** Keyed by a text only that command of the README contains. */
const EXPECTATIONS: Record<string, Expectation> = {
  '"name": "tasks"': {
    says: 'defines the collection tasks, with priority indexed as a number',
    check: (answer) => {
      expect(answer.body).toMatchObject({ name: 'tasks', version: 1, uniqueFields: [], indexedFields: [{ field: 'priority', type: 'numeric' }] });
      expect(answer.body.schema.required).toEqual(['title']);
    },
  },
  'idempotency-key: first-task': {
    says: 'creates write-docs at version 1; a retry with the same key answers the same and writes nothing',
    check: async (answer, command) => {
      expectArrowComment(command.outcome, answer);
      expect(Buffer.from(answer.headers.get('hexbase-consistency-token')!, 'base64url').toString('utf8')).toBe('default:tasks/write-docs@1');
      expect(answer.body).toMatchObject({ id: 'write-docs', collection: 'tasks', version: 1, deletedAt: null, data: { title: 'Write the docs', priority: 2 } });
      const retry = answerOf((await runCommand(command.text)).stdout);
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(retry.body).toEqual(answer.body);
    },
  },
  '-d \'{"done": true}\'': {
    says: 'applies the merge patch at version 1 and answers version 2',
    check: (answer) => {
      expect(answer.body).toMatchObject({ id: 'write-docs', version: 2, data: { title: 'Write the docs', priority: 2, done: true } });
    },
  },
  '-d \'{"done": false}\'': {
    says: 'answers 412 with a VERSION_MISMATCH problem document',
    check: (answer) => {
      expect(answer.body).toMatchObject({ status: 412, code: 'VERSION_MISMATCH', type: '/docs/problems#version-mismatch', currentVersion: 2 });
    },
  },
  '"title": "", "priority": 9': {
    says: 'answers RECORD_INVALID naming the field and the rule',
    check: (answer) => {
      expect(answer.body).toMatchObject({ status: 400, code: 'RECORD_INVALID' });
      expect(problemFieldsOf(answer).sort()).toEqual(['/body/data/priority', '/body/data/title']);
      expect(answer.body.errors.map((error: { rule: string }) => error.rule).sort()).toEqual(['maximum', 'minLength']);
    },
  },
  "filter=priority <= 3 and done = true": {
    says: 'lists the patched record; the stale patch changed nothing',
    check: (answer) => {
      expect(answer.body.items).toHaveLength(1);
      expect(answer.body.items[0]).toMatchObject({ id: 'write-docs', version: 2, data: { done: true } });
      expect(answer.body.nextCursor).toBeNull();
    },
  },
  '/v1/streams/tasks%2Fwrite-docs/events': {
    says: "reads the record's stream: created, then updated",
    before: eventStoreHoldsTheTask,
    check: (answer) => {
      expect(answer.body.streamId).toBe('tasks/write-docs');
      expect(answer.body.items.map((item: any) => [item.event.type, item.event.streamversion])).toEqual([
        ['record.created', 1],
        ['record.updated', 2],
      ]);
      expect(answer.body.items[1].event.data).toMatchObject({ changedFields: ['done'], data: { done: true } });
    },
  },
  '/v1/events?after=0': {
    says: "reads the global log: the record's two events among the tenant's events, in order",
    before: eventStoreHoldsTheTask,
    check: (answer) => {
      const positions = answer.body.items.map((item: any) => item.position);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      const ofTheRecord = answer.body.items.filter((item: any) => item.event.streamid === 'tasks/write-docs');
      expect(ofTheRecord.map((item: any) => [item.event.type, item.event.streamversion])).toEqual([
        ['record.created', 1],
        ['record.updated', 2],
      ]);
      expect(answer.body.lastPosition).toBe(positions.at(-1));
    },
  },
};

function expectationFor(command: ReadmeCommand): Expectation | undefined {
  const keys = Object.keys(EXPECTATIONS).filter((key) => command.text.includes(key));
  return keys.length === 1 ? EXPECTATIONS[keys[0]!] : undefined;
}

/** The README's addresses, pointed at this file's processes. */
function againstPipeline(text: string): string {
  return text.replaceAll('127.0.0.1:4101', new URL(pipeline.records.url).host).replaceAll('127.0.0.1:4102', new URL(pipeline.eventStore.url).host);
}

function runCommand(text: string) {
  return run('/bin/sh', ['-c', againstPipeline(text)], { env: { ...process.env, PATH: `${CURL_PATH}:${process.env.PATH ?? '/bin'}` }, timeout: 15_000 });
}

const commands = readmeCurlCommands();

beforeAll(async () => {
  pipeline = await startPipeline(testServers(), 'readme');
});

afterAll(async () => {
  if (!pipeline) return;
  const amqp = createAmqpConnection({ url: testServers().rabbitmqUrl, name: 'readme-examples-cleanup' });
  try {
    await amqp.waitUntilConnected(10_000);
    const channel = await amqp.createChannel();
    for (const queue of [pipeline.eventStoreQueue, `${pipeline.eventStoreQueue}.retry.1`, `${pipeline.eventStoreQueue}.retry.2`, `${pipeline.eventStoreQueue}.dlq`]) {
      await channel.deleteQueue(queue).catch(() => undefined);
    }
    await channel.deleteExchange(pipeline.exchange).catch(() => undefined);
  } catch {
    // Leftover queues of a test run are harmless; the pipeline itself must still stop.
  } finally {
    await amqp.close();
    await pipeline.close();
  }
});

describe('the README examples', () => {
  it('has curl examples, each with exactly one expectation here, and no expectation without its example', () => {
    expect(commands.length).toBeGreaterThanOrEqual(8);
    expect(commands.filter((command) => !expectationFor(command)).map((command) => command.text), 'add these README commands to EXPECTATIONS').toEqual([]);
    const unused = Object.keys(EXPECTATIONS).filter((key) => !commands.some((command) => command.text.includes(key)));
    expect(unused, 'these EXPECTATIONS match no README command').toEqual([]);
  });

  it.each(commands.map((command) => [command.intro.join(' ') || command.text.slice(0, 60), command] as const))('%s', async (_title, command) => {
    const expectation = expectationFor(command);
    expect(expectation, `no single expectation for: ${command.text}`).toBeDefined();
    await expectation!.before?.();
    const { stdout } = await runCommand(command.text); // rejects when curl exits non-zero
    await expectation!.check(answerOf(stdout), command);
  });
});

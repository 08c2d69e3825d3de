import { readFileSync } from 'node:fs';

/**
 * The examples of docs/filters.md, read by the tests so that the user documentation and the
 * behaviour cannot drift apart: every line of a ```filter block must parse, and every row of
 * the table between the `semantics-examples` markers must evaluate (in memory and in SQL) as stated.
 */

function readGuide(): string {
  return readFileSync(new URL('../../../docs/filters.md', import.meta.url), 'utf8');
}

/** Each non-empty line of every ```filter code block. */
export function documentedFilters(): string[] {
  const blocks = [...readGuide().matchAll(/^```filter\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
  return blocks.flatMap((block) => block.split('\n').filter((line) => line.trim() !== ''));
}

/** The content of every ```json code block. */
export function documentedJsonBlocks(): unknown[] {
  return [...readGuide().matchAll(/^```json\n([\s\S]*?)^```$/gm)].map((match) => JSON.parse(match[1]!));
}

/** The content of every ```sql code block. */
export function documentedSql(): string[] {
  return [...readGuide().matchAll(/^```sql\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

export type SemanticsExample = [filter: string, document: unknown, matches: boolean];

/** Rows `| filter | document | yes/no | why |` of the semantics table. */
export function documentedSemantics(): SemanticsExample[] {
  const guide = readGuide();
  const table = guide.slice(guide.indexOf('<!-- semantics-examples:start -->'), guide.indexOf('<!-- semantics-examples:end -->'));
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const [filter, document, matches] = line.split(' | ').map((cell) => inlineCode(cell.replace(/^\| /, '')));
      return [filter!, JSON.parse(document!), matches === 'yes'];
    });
}

/** The content of a Markdown code span (`x` or `` x ``), or the cell itself. */
function inlineCode(cell: string): string {
  const match = /^(`+) ?(.*?) ?\1$/.exec(cell.trim());
  return match ? match[2]! : cell.trim();
}

import type { FilterRule } from './invalid-filter';

export type Token =
  | { type: 'word'; text: string; start: number }
  | { type: 'quoted'; value: string; start: number }
  | { type: 'string'; value: string; start: number }
  | { type: 'number'; value: number; text: string; start: number }
  | { type: 'symbol'; text: '(' | ')' | '[' | ']' | ',' | '.'; start: number }
  | { type: 'operator'; text: '=' | '!=' | '<' | '<=' | '>' | '>='; start: number }
  | { type: 'end'; start: number };

/** A mistake at a character offset; `parseFilter` prefixes the column and turns it into a HexbaseError. */
export class FilterSyntaxError extends Error {
  constructor(
    readonly offset: number,
    readonly rule: FilterRule,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** Words with a meaning in the grammar, compared in lower case. A field named like one needs backticks. */
export const FILTER_KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'not', 'in', 'contains', 'startswith', 'exists', 'true', 'false', 'null']);

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const WORD_START = /[A-Za-z_]/;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const NUMBER_CONTINUES = /[0-9A-Za-z_.]/;
const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '`': '`', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Splits filter text into tokens. Whitespace (space, tab, CR, LF) separates tokens and is otherwise ignored. */
export function tokenizeFilter(text: string): Token[] {
  const tokens: Token[] = [];
  let offset = 0;
  while (offset < text.length) {
    const char = text[offset]!;
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      offset += 1;
    } else if (char === '"' || char === '`') {
      const { value, end } = readQuoted(text, offset);
      tokens.push(char === '"' ? { type: 'string', value, start: offset } : { type: 'quoted', value, start: offset });
      offset = end;
    } else if (char === '-' || (char >= '0' && char <= '9')) {
      const token = readNumber(text, offset);
      tokens.push(token);
      offset += token.text.length;
    } else if (WORD_START.test(char)) {
      WORD.lastIndex = offset;
      const word = WORD.exec(text)![0];
      tokens.push({ type: 'word', text: word, start: offset });
      offset += word.length;
    } else if ('()[],.'.includes(char)) {
      tokens.push({ type: 'symbol', text: char as '(' | ')' | '[' | ']' | ',' | '.', start: offset });
      offset += 1;
    } else if (char === '<' || char === '>' || char === '=' || char === '!') {
      const operator = readOperator(text, offset);
      tokens.push({ type: 'operator', text: operator, start: offset });
      offset += operator.length;
    } else {
      throw new FilterSyntaxError(offset, 'syntax', unexpectedCharacter(String.fromCodePoint(text.codePointAt(offset)!)));
    }
  }
  tokens.push({ type: 'end', start: text.length });
  return tokens;
}

function readOperator(text: string, offset: number): '=' | '!=' | '<' | '<=' | '>' | '>=' {
  const two = text.slice(offset, offset + 2);
  if (two === '!=' || two === '<=' || two === '>=') return two;
  if (two === '==') throw new FilterSyntaxError(offset, 'syntax', "unknown operator '==', use '=' for equality");
  if (two === '<>') throw new FilterSyntaxError(offset, 'syntax', "unknown operator '<>', use '!=' for inequality");
  const one = text[offset];
  if (one === '=' || one === '<' || one === '>') return one;
  throw new FilterSyntaxError(offset, 'syntax', "unknown operator '!', use 'not' to negate or '!=' for inequality");
}

function readNumber(text: string, offset: number): Extract<Token, { type: 'number' }> {
  NUMBER.lastIndex = offset;
  const match = NUMBER.exec(text);
  if (!match) throw new FilterSyntaxError(offset, 'syntax', "expected a number after '-'");
  const end = offset + match[0].length;
  if (end < text.length && NUMBER_CONTINUES.test(text[end]!)) {
    throw new FilterSyntaxError(offset, 'syntax', 'malformed number, numbers look like 42, -7, 0.5 or 1e6');
  }
  const value = Number(match[0]);
  if (!Number.isFinite(value)) throw new FilterSyntaxError(offset, 'syntax', 'the number is too large');
  // -0 and 0 are the same filter; keep the AST free of -0, which JSON cannot carry.
  return { type: 'number', value: value === 0 ? 0 : value, text: match[0], start: offset };
}

/** Reads a double-quoted string or a backtick-quoted field segment, with JSON escapes in both. */
function readQuoted(text: string, start: number): { value: string; end: number } {
  const quote = text[start]!;
  const what = quote === '"' ? 'string' : 'quoted field name';
  let value = '';
  let offset = start + 1;
  while (offset < text.length) {
    const char = text[offset]!;
    if (char === quote) return { value, end: offset + 1 };
    if (char === '\\') {
      const escape = text[offset + 1];
      if (escape === 'u') {
        const { codeUnits, end } = readUnicodeEscape(text, offset);
        value += codeUnits;
        offset = end;
        continue;
      }
      const replacement = escape === undefined ? undefined : SIMPLE_ESCAPES[escape];
      if (replacement === undefined || (escape === '`' && quote === '"') || (escape === '"' && quote === '`')) {
        throw new FilterSyntaxError(offset, 'syntax', `unknown escape '\\${escape ?? ''}', use \\${quote}, \\\\, \\n, \\t, \\r, \\b, \\f, \\/ or \\uXXXX`);
      }
      value += replacement;
      offset += 2;
      continue;
    }
    const code = char.charCodeAt(0);
    if (code < 0x20) {
      throw new FilterSyntaxError(offset, 'syntax', `control character U+${hex4(code)} in a ${what}, write it as an escape such as \\n or \\u${hex4(code)}`);
    }
    if (isHighSurrogate(code) && isLowSurrogate(text.charCodeAt(offset + 1))) {
      value += text.slice(offset, offset + 2);
      offset += 2;
      continue;
    }
    if (isHighSurrogate(code) || isLowSurrogate(code)) {
      throw new FilterSyntaxError(offset, 'syntax', `unpaired surrogate in a ${what}`);
    }
    value += char;
    offset += 1;
  }
  throw new FilterSyntaxError(start, 'syntax', `unterminated ${what}, expected a closing ${quote}`);
}

function readUnicodeEscape(text: string, offset: number): { codeUnits: string; end: number } {
  const first = hexEscapeAt(text, offset);
  if (first === 0) {
    throw new FilterSyntaxError(offset, 'syntax', 'the NUL character (\\u0000) is not allowed in text');
  }
  if (isLowSurrogate(first)) throw new FilterSyntaxError(offset, 'syntax', 'unpaired surrogate escape');
  if (!isHighSurrogate(first)) return { codeUnits: String.fromCharCode(first), end: offset + 6 };
  const second = text.startsWith('\\u', offset + 6) ? hexEscapeAt(text, offset + 6) : -1;
  if (!isLowSurrogate(second)) throw new FilterSyntaxError(offset, 'syntax', 'unpaired surrogate escape, expected a \\uDC00-\\uDFFF escape after it');
  return { codeUnits: String.fromCharCode(first, second), end: offset + 12 };
}

function hexEscapeAt(text: string, offset: number): number {
  const digits = text.slice(offset + 2, offset + 6);
  if (!/^[0-9A-Fa-f]{4}$/.test(digits)) {
    throw new FilterSyntaxError(offset, 'syntax', 'malformed escape, \\u needs exactly four hexadecimal digits');
  }
  return Number.parseInt(digits, 16);
}

function unexpectedCharacter(char: string): string {
  if (char === "'") return `unexpected character ', strings use double quotes ("...")`;
  if (char === '&' || char === '|') return `unexpected character ${char}, use 'and' / 'or'`;
  return `unexpected character ${JSON.stringify(char)}`;
}

/** The 1-based column of a character offset, counted in Unicode code points. */
export function columnAt(text: string, offset: number): number {
  let column = 1;
  for (let index = 0; index < offset && index < text.length; index += 1) {
    if (!(isLowSurrogate(text.charCodeAt(index)) && index > 0 && isHighSurrogate(text.charCodeAt(index - 1)))) column += 1;
  }
  return column;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

import { ORDERING_OPERATORS, type ComparisonOperator, type FieldPath, type FilterExpression, type FilterValue } from './filter-expression';
import { columnAt, FILTER_KEYWORDS, FilterSyntaxError, type Token } from './tokenize-filter';

const OPERATOR_LIST = 'an operator (=, !=, <, <=, >, >=, in, not in, contains, startsWith)';
const VALUE_LIST = 'a value (a "string", a number, true, false or null)';

/** Recursive descent over the tokens, one method per grammar rule; `depth` counts open parentheses and `not`s. */
export class FilterParser {
  private position = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
    private readonly limits: { maxDepth: number; maxListSize: number },
  ) {}

  parseWhole(): FilterExpression {
    if (this.peek().type === 'end') throw this.expected('a filter expression');
    const expression = this.parseOr(0);
    if (this.isSymbol(')')) throw this.expected("'and', 'or' or the end of the filter", "this ')' has no matching '('");
    if (this.peek().type !== 'end') throw this.expected("'and', 'or' or the end of the filter");
    return expression;
  }

  private parseOr(depth: number): FilterExpression {
    const operands = [this.parseAnd(depth)];
    while (this.isKeyword('or')) {
      this.position += 1;
      operands.push(this.parseAnd(depth));
    }
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  }

  private parseAnd(depth: number): FilterExpression {
    const operands = [this.parseUnary(depth)];
    while (this.isKeyword('and')) {
      this.position += 1;
      operands.push(this.parseUnary(depth));
    }
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
  }

  private parseUnary(depth: number): FilterExpression {
    if (!this.isKeyword('not')) return this.parsePrimary(depth);
    this.enter(depth);
    this.position += 1;
    return { kind: 'not', operand: this.parseUnary(depth + 1) };
  }

  private parsePrimary(depth: number): FilterExpression {
    const token = this.peek();
    if (token.type === 'symbol' && token.text === '(') {
      this.enter(depth);
      this.position += 1;
      const inner = this.parseOr(depth + 1);
      this.expectSymbol(')', `')' to close the '(' at column ${columnAt(this.text, token.start)}`);
      return inner;
    }
    if (this.isKeyword('exists') && this.isSymbol('(', 1)) {
      this.position += 2;
      const field = this.parseField();
      this.expectSymbol(')', "')' after the field of exists(");
      return { kind: 'exists', field };
    }
    return this.parsePredicate();
  }

  private parsePredicate(): FilterExpression {
    const field = this.parseField();
    const token = this.peek();
    if (token.type === 'operator') {
      this.position += 1;
      return { kind: 'compare', field, op: token.text, value: this.parseComparable(token.text) };
    }
    if (this.isKeyword('in')) {
      this.position += 1;
      return { kind: 'in', field, values: this.parseList(), negated: false };
    }
    if (this.isKeyword('not')) {
      this.position += 1;
      if (!this.isKeyword('in')) throw this.expected("'in' after 'not'", "to negate a condition, write 'not' before it");
      this.position += 1;
      return { kind: 'in', field, values: this.parseList(), negated: true };
    }
    if (this.isKeyword('contains')) {
      this.position += 1;
      return { kind: 'contains', field, value: this.parseValue() };
    }
    if (this.isKeyword('startswith')) {
      this.position += 1;
      const start = this.peek().start;
      const value = this.parseValue();
      if (typeof value !== 'string') throw new FilterSyntaxError(start, 'type', `startsWith needs a string, found ${formatLiteral(value)}`);
      return { kind: 'startsWith', field, value };
    }
    throw this.expected(`${OPERATOR_LIST} after the field`);
  }

  private parseComparable(op: ComparisonOperator): FilterValue {
    const start = this.peek().start;
    const value = this.parseValue();
    if (ORDERING_OPERATORS.has(op) && typeof value !== 'number' && typeof value !== 'string') {
      throw new FilterSyntaxError(start, 'type', `'${op}' compares numbers or strings, found ${formatLiteral(value)}`);
    }
    return value;
  }

  private parseList(): FilterValue[] {
    this.expectSymbol('[', "'[' to start the list of values");
    const values: FilterValue[] = [];
    if (this.isSymbol(']')) {
      this.position += 1;
      return values;
    }
    for (;;) {
      const start = this.peek().start;
      values.push(this.parseValue());
      if (values.length > this.limits.maxListSize) {
        throw new FilterSyntaxError(start, 'max_list_size', `a list may hold at most ${this.limits.maxListSize} values`);
      }
      if (this.isSymbol(']')) {
        this.position += 1;
        return values;
      }
      this.expectSymbol(',', "',' or ']' in the list");
    }
  }

  private parseValue(): FilterValue {
    const token = this.peek();
    if (token.type === 'string' || token.type === 'number') {
      this.position += 1;
      return token.value;
    }
    if (token.type === 'word') {
      const word = token.text.toLowerCase();
      if (word === 'true' || word === 'false' || word === 'null') {
        this.position += 1;
        return word === 'null' ? null : word === 'true';
      }
      throw this.expected(VALUE_LIST, `strings need double quotes, as in "${token.text}"`);
    }
    throw this.expected(VALUE_LIST);
  }

  private parseField(): FieldPath {
    const first = this.peek();
    if (first.type === 'word' && FILTER_KEYWORDS.has(first.text.toLowerCase())) {
      throw this.expected('a field name', `'${first.text}' is a keyword, write \`${first.text}\` for a field of that name`);
    }
    const path = [this.parseSegment()];
    for (;;) {
      if (this.isSymbol('.')) {
        this.position += 1;
        path.push(this.parseSegment());
      } else if (this.isSymbol('[')) {
        this.position += 1;
        const index = this.peek();
        if (index.type !== 'number' || !/^(0|[1-9][0-9]*)$/.test(index.text)) throw this.expected('an array position (0, 1, 2, ...)');
        this.position += 1;
        path.push(index.text);
        this.expectSymbol(']', "']' after the array position");
      } else {
        return path;
      }
    }
  }

  private parseSegment(): string {
    const token = this.peek();
    if (token.type === 'word') {
      this.position += 1;
      return token.text;
    }
    if (token.type === 'quoted') {
      this.position += 1;
      return token.value;
    }
    if (token.type === 'number') throw this.expected('a field name', 'write items[0] for an array position, or `0` for a key made of digits');
    throw this.expected('a field name');
  }

  private enter(depth: number): void {
    if (depth + 1 > this.limits.maxDepth) {
      const start = this.peek().start;
      throw new FilterSyntaxError(start, 'max_depth', `parentheses and 'not' may nest at most ${this.limits.maxDepth} levels deep`);
    }
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.position + ahead, this.tokens.length - 1)]!;
  }

  private isKeyword(keyword: string): boolean {
    const token = this.peek();
    return token.type === 'word' && token.text.toLowerCase() === keyword;
  }

  private isSymbol(symbol: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.type === 'symbol' && token.text === symbol;
  }

  private expectSymbol(symbol: string, expected: string): void {
    if (!this.isSymbol(symbol)) throw this.expected(expected);
    this.position += 1;
  }

  private expected(what: string, hint?: string): FilterSyntaxError {
    const token = this.peek();
    return new FilterSyntaxError(token.start, 'syntax', `expected ${what}, found ${this.describe(token)}${hint ? `; ${hint}` : ''}`);
  }

  private describe(token: Token): string {
    switch (token.type) {
      case 'end':
        return 'the end of the filter';
      case 'string':
        return `the string ${shorten(JSON.stringify(token.value))}`;
      case 'quoted':
        return `the quoted field name ${shorten(`\`${token.value}\``)}`;
      case 'number':
        return `the number ${token.text}`;
      default:
        return `'${token.text}'`;
    }
  }
}

function formatLiteral(value: FilterValue): string {
  return value === null ? 'null' : JSON.stringify(value);
}

/** Keeps an error message readable when the offending token is long. */
function shorten(text: string): string {
  return text.length <= 40 ? text : `${text.slice(0, 37)}...`;
}

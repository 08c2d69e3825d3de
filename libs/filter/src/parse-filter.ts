import { DEFAULT_FILTER_LIMITS, type FilterExpression } from './filter-expression';
import { FilterParser } from './filter-parser';
import { invalidFilter } from './invalid-filter';
import { columnAt, FilterSyntaxError, tokenizeFilter } from './tokenize-filter';

export interface ParseFilterOptions {
  /** The request parameter the filter came from, named in the error violation. Default `'filter'`. */
  parameter?: string;
  /** Longest accepted filter, in UTF-8 bytes. Default 4096. */
  maxLength?: number;
  /** How deeply parentheses and `not` may nest. Default 32. */
  maxDepth?: number;
  /** Most values in one `in [..]` list. Default 1000. */
  maxListSize?: number;
}

/**
 * Parses filter text (grammar in docs/filters.md) into a `FilterExpression`.
 *
 * Throws a HexbaseError of kind `validation`, code `INVALID_FILTER`, with one violation whose
 * `field` is `options.parameter` and whose `rule` is `syntax`, `type`, `max_length`,
 * `max_depth` or `max_list_size`; its message gives the 1-based column and what was expected.
 */
export function parseFilter(text: string, options: ParseFilterOptions = {}): FilterExpression {
  const parameter = options.parameter ?? 'filter';
  const maxLength = options.maxLength ?? DEFAULT_FILTER_LIMITS.maxLength;
  const length = utf8Length(text);
  if (length > maxLength) {
    throw invalidFilter(parameter, 'max_length', `The filter is ${length} bytes long; at most ${maxLength} bytes are allowed`);
  }
  try {
    const parser = new FilterParser(text, tokenizeFilter(text), {
      maxDepth: options.maxDepth ?? DEFAULT_FILTER_LIMITS.maxDepth,
      maxListSize: options.maxListSize ?? DEFAULT_FILTER_LIMITS.maxListSize,
    });
    return parser.parseWhole();
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw invalidFilter(parameter, error.rule, `At column ${columnAt(text, error.offset)}: ${error.detail}`);
    throw error;
  }
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

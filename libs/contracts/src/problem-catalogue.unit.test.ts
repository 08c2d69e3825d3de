import { readdirSync, readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { problemTypeUri, titleForStatus } from './problem';

/**
 * docs/problems.md is the page every problem document's `type` links to. These tests read the
 * sources for every error code and fail when a code has no entry there, or an entry names a code
 * that no longer exists.
 */

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CATALOGUE = join(ROOT, 'docs/problems.md');
const HTTP_PROBLEMS = join(ROOT, 'libs/http/src/http-problems.ts');

/** The functions of @hexbase/contracts whose first argument is an error code. */
const CODE_TAKING_CALLEES = new Set(['HexbaseError', 'notFound', 'conflict', 'validationError', 'unavailable']);

/**
 * Fastify's own client errors that http-problems.ts does not map get a code derived from their
 * status (`codeForStatus`): a path with broken percent-encoding or a body that does not match its
 * Content-Length (400), a path parameter longer than Fastify's maxParamLength (414).
 */
const STATUSES_WITH_DERIVED_CODES = [400, 414];

interface FoundCode {
  code: string;
  where: string;
}

function sourceFiles(): string[] {
  const roots = ['libs', 'services'].flatMap((area) =>
    readdirSync(join(ROOT, area), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(ROOT, area, entry.name, 'src')),
  );
  const files: string[] = [];
  const walk = (directory: string) => {
    let entries;
    try {
      entries = readdirSync(directory, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'generated' && entry.name !== 'node_modules') walk(path);
      } else if (/\.ts$/.test(entry.name) && !/\.(test|contract)\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        files.push(path);
      }
    }
  };
  roots.forEach(walk);
  return files.sort();
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

function stringValue(node: ts.Node | undefined): string | undefined {
  if (!node) return undefined;
  if (ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isParenthesizedExpression(node)) return stringValue(node.expression);
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) ? node.text : undefined;
}

function objectLiteral(node: ts.Node | undefined): ts.ObjectLiteralExpression | undefined {
  if (!node) return undefined;
  if (ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isParenthesizedExpression(node)) return objectLiteral(node.expression);
  return ts.isObjectLiteralExpression(node) ? node : undefined;
}

function propertyNamed(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const property of object.properties) {
    if (ts.isPropertyAssignment(property) && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) && property.name.text === name) return property.initializer;
  }
  return undefined;
}

/** Top-level `const NAME = ...` initializers of a file. */
function constants(source: ts.SourceFile): Map<string, ts.Expression> {
  const found = new Map<string, ts.Expression>();
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement) || !(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.initializer) found.set(declaration.name.text, declaration.initializer);
    }
  }
  return found;
}

/** Local names under which a file imports the code-taking functions of @hexbase/contracts, and its namespace imports of it. */
function contractImports(source: ts.SourceFile, file: string): { names: Map<string, string>; namespaces: Set<string> } {
  const names = new Map<string, string>();
  const namespaces = new Set<string>();
  const contractsDirectory = join(ROOT, 'libs/contracts/src');
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const specifier = statement.moduleSpecifier.text;
    const fromContracts = specifier === '@hexbase/contracts' || (specifier.startsWith('.') && join(file, '..', specifier).startsWith(contractsDirectory));
    const bindings = statement.importClause?.namedBindings;
    if (!fromContracts || !bindings) continue;
    if (ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
    else for (const element of bindings.elements) names.set(element.name.text, (element.propertyName ?? element.name).text);
  }
  return { names, namespaces };
}

/** Every error code the sources can produce, with where each one was found. */
function codesInSources(): { found: FoundCode[]; unresolved: string[] } {
  const files = sourceFiles().map((file) => ({ file, source: parse(file) }));
  const constantsByFile = new Map(files.map(({ file, source }) => [file, constants(source)]));
  const everyConstant = new Map<string, ts.Expression[]>();
  for (const fileConstants of constantsByFile.values()) {
    for (const [name, initializer] of fileConstants) everyConstant.set(name, [...(everyConstant.get(name) ?? []), initializer]);
  }
  const constant = (file: string, name: string) => constantsByFile.get(file)?.get(name) ?? (everyConstant.get(name)?.length === 1 ? everyConstant.get(name)![0] : undefined);

  /** A code written as a literal, a constant holding one, or a member of a constant object literal. */
  const resolve = (file: string, node: ts.Expression): string | undefined => {
    const literal = stringValue(node);
    if (literal !== undefined) return literal;
    if (ts.isIdentifier(node)) return stringValue(constant(file, node.text));
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
      const object = objectLiteral(constant(file, node.expression.text));
      return object ? stringValue(propertyNamed(object, node.name.text)) : undefined;
    }
    return undefined;
  };

  const found: FoundCode[] = [];
  const unresolved: string[] = [];
  for (const { file, source } of files) {
    const imports = contractImports(source, file);
    const where = (node: ts.Node) => `${relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const calleeName = (callee: ts.Expression): string | undefined => {
      if (ts.isIdentifier(callee)) return imports.names.get(callee.text);
      if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && imports.namespaces.has(callee.expression.text)) return callee.name.text;
      return undefined;
    };
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
        const name = calleeName(node.expression);
        const first = node.arguments?.[0];
        if (name && CODE_TAKING_CALLEES.has(name) && first) {
          const code = resolve(file, first);
          if (code === undefined) unresolved.push(`${where(node)}: ${first.getText(source)}`);
          else found.push({ code, where: where(node) });
        }
      }
      // What a consumer records about a failed delivery: `{ code: 'MALFORMED_EVENT', kind: 'validation', ... }`.
      if (ts.isObjectLiteralExpression(node) && propertyNamed(node, 'kind')) {
        const code = stringValue(propertyNamed(node, 'code'));
        if (code !== undefined) found.push({ code, where: where(node) });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }

  // The codes the HTTP layer answers with itself, some never passed to a HexbaseError (ROUTE_NOT_FOUND, INTERNAL).
  const httpProblems = parse(HTTP_PROBLEMS);
  const httpCodes = objectLiteral(constants(httpProblems).get('HttpProblemCode'));
  if (!httpCodes) throw new Error('libs/http/src/http-problems.ts no longer declares `const HttpProblemCode = { ... }`: update this test');
  for (const property of httpCodes.properties) {
    const code = ts.isPropertyAssignment(property) ? stringValue(property.initializer) : undefined;
    if (code !== undefined) found.push({ code, where: `${relative(ROOT, HTTP_PROBLEMS)}:HttpProblemCode` });
  }
  if (httpProblems.text.includes('codeForStatus(')) {
    for (const status of STATUSES_WITH_DERIVED_CODES) found.push({ code: codeForStatus(status), where: `${relative(ROOT, HTTP_PROBLEMS)}:codeForStatus(${status})` });
  }
  return { found, unresolved };
}

/** The same derivation as http-problems.ts: the status's title in upper case, words joined by `_`. */
function codeForStatus(status: number): string {
  const title = titleForStatus(status) === 'Error' ? (STATUS_CODES[status] ?? 'Error') : titleForStatus(status);
  return title.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

interface CatalogueEntry {
  anchor: string;
  body: string;
}

/** The `## code-in-kebab-case` entries of docs/problems.md; other sections have headings of several words. */
function catalogueEntries(): CatalogueEntry[] {
  const sections = readFileSync(CATALOGUE, 'utf8').split(/^## /m).slice(1);
  return sections
    .map((section) => {
      const newline = section.indexOf('\n');
      return { heading: section.slice(0, newline).trim(), body: section.slice(newline + 1) };
    })
    .filter(({ heading }) => !/\s/.test(heading))
    .map(({ heading, body }) => ({ anchor: heading, body }));
}

function anchorOf(code: string): string {
  return problemTypeUri(code).split('#')[1]!;
}

describe('docs/problems.md, the catalogue of error codes', () => {
  const { found, unresolved } = codesInSources();
  const codes = [...new Set(found.map((entry) => entry.code))].sort();
  const entries = catalogueEntries();
  const anchors = entries.map((entry) => entry.anchor);

  it('finds the codes of every layer in the sources', () => {
    expect(codes).toEqual(expect.arrayContaining(['VALIDATION_FAILED', 'ROUTE_NOT_FOUND', 'INTERNAL', 'BAD_REQUEST', 'RECORD_NOT_FOUND', 'INVALID_FILTER', 'MALFORMED_EVENT', 'STREAM_NOT_FOUND']));
  });

  it('can read every code the sources pass: a literal, a constant or a member of a constant object', () => {
    expect(unresolved, 'codes that are computed cannot be checked against the catalogue; write them as literals').toEqual([]);
  });

  it('has codes in upper case with underscores, so that each has one anchor', () => {
    expect(codes.filter((code) => !/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/.test(code))).toEqual([]);
  });

  it('has an entry for every code, under the anchor its problem type links to', () => {
    const missing = codes
      .filter((code) => !anchors.includes(anchorOf(code)))
      .map((code) => `## ${anchorOf(code)} (${code}, thrown at ${found.find((entry) => entry.code === code)!.where})`);
    expect(missing, 'add these entries to docs/problems.md').toEqual([]);
  });

  it('documents no code that does not exist', () => {
    const known = new Set(codes.map(anchorOf));
    expect(anchors.filter((anchor) => !known.has(anchor)), 'these entries of docs/problems.md name no code of the sources').toEqual([]);
  });

  it('names each entry’s code in its text, once per heading, in alphabetical order', () => {
    const codeByAnchor = new Map(codes.map((code) => [anchorOf(code), code]));
    const silent = entries.filter((entry) => codeByAnchor.has(entry.anchor) && !entry.body.includes(`\`${codeByAnchor.get(entry.anchor)}\``));
    expect(silent.map((entry) => entry.anchor)).toEqual([]);
    expect(new Set(anchors).size).toBe(anchors.length);
    expect(anchors).toEqual([...anchors].sort());
  });

  it('lists every code in its table of codes by area', () => {
    const catalogue = readFileSync(CATALOGUE, 'utf8');
    const table = catalogue.slice(catalogue.indexOf('## Codes by area'), catalogue.indexOf('\n## ', catalogue.indexOf('## Codes by area') + 1));
    expect(codes.filter((code) => !table.includes(`[\`${code}\`](#${anchorOf(code)})`))).toEqual([]);
  });
});

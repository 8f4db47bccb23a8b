/**
 * bmatcuk/doublestar (v1, which Harbor's selectors use) patterns as regular expressions:
 * - `*` any run of characters but `/`, `?` one character but `/`;
 * - `**` as a whole path segment: any number of segments, none included (`a/**` matches `a`,
 *   `a/**\/b` matches `a/b`); anywhere else it is `*`;
 * - `[abc]`, `[a-z]`, `[!a-z]` / `[^a-z]` one character of (or not of) a class, never `/`;
 * - `{a,b,c}` one of the alternatives, nested or not, a single one included (`{redis}`);
 * - `\x` the character x.
 *
 * picomatch reads `{redis}` as literal text and `a]` as an error, where doublestar does not; this
 * small compiler follows doublestar instead. Throws `DoublestarSyntaxError` where doublestar answers
 * ErrBadPattern: an unclosed `[` or `{`, an empty class, a reversed range, a trailing `\`.
 */
export class DoublestarSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DoublestarSyntaxError';
  }
}

export function doublestarRegExp(pattern: string): RegExp {
  const parser = new Parser(pattern);
  const source = parser.sequence(false);
  return new RegExp(`^${source}$`);
}

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/-]/g;
const escapeChar = (ch: string) => ch.replace(REGEX_SPECIAL, '\\$&');

class Parser {
  private i = 0;

  constructor(private readonly pattern: string) {}

  /** A sequence up to the end, or (inside braces) up to the `,` or `}` that ends an alternative. */
  sequence(inBraces: boolean): string {
    const p = this.pattern;
    let out = '';
    while (this.i < p.length) {
      const ch = p[this.i]!;
      if (inBraces && (ch === ',' || ch === '}')) return out;
      if (ch === '/' && this.globstarAt(this.i + 1) && this.segmentEnd(this.i + 3)) {
        // `/**` swallows its slash: zero or more further segments.
        out += '(?:/.*)?';
        this.i += 3;
      } else if (ch === '*' && this.segmentStart(this.i) && this.globstarAt(this.i)) {
        if (p[this.i + 2] === '/') {
          out += '(?:.*/)?';
          this.i += 3;
        } else if (this.segmentEnd(this.i + 2)) {
          out += '.*';
          this.i += 2;
        } else {
          out += '[^/]*';
          this.skipStars();
        }
      } else if (ch === '*') {
        out += '[^/]*';
        this.skipStars();
      } else if (ch === '?') {
        out += '[^/]';
        this.i += 1;
      } else if (ch === '[') {
        out += this.characterClass();
      } else if (ch === '{') {
        out += this.alternatives();
      } else if (ch === '\\') {
        const next = p[this.i + 1];
        if (next === undefined) throw new DoublestarSyntaxError('the pattern ends with an escape (\\)');
        out += escapeChar(next);
        this.i += 2;
      } else {
        out += escapeChar(ch);
        this.i += 1;
      }
    }
    return out;
  }

  private globstarAt(index: number): boolean {
    return this.pattern[index] === '*' && this.pattern[index + 1] === '*';
  }

  private segmentStart(index: number): boolean {
    const before = this.pattern[index - 1];
    return index === 0 || before === '/' || before === '{' || before === ',';
  }

  private segmentEnd(index: number): boolean {
    const after = this.pattern[index];
    return after === undefined || after === '/' || after === ',' || after === '}';
  }

  private skipStars(): void {
    while (this.pattern[this.i] === '*') this.i += 1;
  }

  private alternatives(): string {
    const start = this.i;
    this.i += 1;
    const options: string[] = [];
    for (;;) {
      options.push(this.sequence(true));
      const ch = this.pattern[this.i];
      if (ch === undefined) {
        throw new DoublestarSyntaxError(`missing closing "}" for the "{" at position ${start + 1}`);
      }
      this.i += 1;
      if (ch === '}') return `(?:${options.join('|')})`;
    }
  }

  private characterClass(): string {
    const p = this.pattern;
    const start = this.i;
    this.i += 1;
    let negated = false;
    if (p[this.i] === '!' || p[this.i] === '^') {
      negated = true;
      this.i += 1;
    }
    const parts: string[] = [];
    let first = true;
    for (;;) {
      let ch = p[this.i];
      if (ch === undefined) {
        throw new DoublestarSyntaxError(`missing closing "]" for the "[" at position ${start + 1}`);
      }
      if (ch === ']' && !first) break;
      first = false;
      if (ch === '\\') {
        this.i += 1;
        ch = p[this.i];
        if (ch === undefined) throw new DoublestarSyntaxError('the pattern ends with an escape (\\)');
      }
      this.i += 1;
      if (p[this.i] === '-' && p[this.i + 1] !== undefined && p[this.i + 1] !== ']') {
        let high = p[this.i + 1]!;
        this.i += 2;
        if (high === '\\') {
          high = p[this.i] ?? '';
          if (high === '') throw new DoublestarSyntaxError('the pattern ends with an escape (\\)');
          this.i += 1;
        }
        if (high.codePointAt(0)! < ch.codePointAt(0)!) {
          throw new DoublestarSyntaxError(`the range ${ch}-${high} is reversed`);
        }
        parts.push(`${escapeChar(ch)}-${escapeChar(high)}`);
      } else {
        parts.push(escapeChar(ch));
      }
    }
    this.i += 1;
    if (parts.length === 0) throw new DoublestarSyntaxError('an empty character class []');
    // A class never matches the separator, negated or not.
    return negated ? `[^/${parts.join('')}]` : `(?:(?!/)[${parts.join('')}])`;
  }
}

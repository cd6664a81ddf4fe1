// The URLs a piece of CSS makes the browser load, found as the browser finds them: a CSS
// Syntax Level 3 tokenizer (https://www.w3.org/TR/css-syntax-3/#tokenization), so escaped
// URLs (`url(\68ttp://...)`, `u\72l(...)`), `@import "x.css"`, image-set() strings and
// the like are all seen, and look-alikes (`content: "url(x)"`, comments, @namespace) are
// left alone. The asset proxy reads stylesheets it serves the same way (tinycss2, in
// cobrowse/asset_proxy.py); both answer the case table tests/css_url_cases.py.

type Kind =
  | "ws"
  | "comment"
  | "string"
  | "bad-string"
  | "url"
  | "bad-url"
  | "function"
  | "at"
  | "ident"
  | "hash"
  | "number"
  | "delim"
  | "("
  | ")"
  | "["
  | "]"
  | "{"
  | "}"
  | ";"
  | ","
  | ":"
  | "cdo"
  | "cdc";

export interface Token {
  kind: Kind;
  start: number; // offsets into the text: [start, end)
  end: number;
  value: string; // unescaped: a string's, a url's, a name's (functions, at-keywords)
}

// Character codes: the tokenizer looks at every character of possibly large sheets.
const LF = 0x0a, CR = 0x0d, FF = 0x0c, TAB = 0x09, SPACE = 0x20;
const QUOTE = 0x22, APOSTROPHE = 0x27, HASH = 0x23, PERCENT = 0x25, OPEN = 0x28, CLOSE = 0x29;
const PLUS = 0x2b, MINUS = 0x2d, DOT = 0x2e, SLASH = 0x2f, STAR = 0x2a, LESS = 0x3c, AT = 0x40;
const BACKSLASH = 0x5c, GREATER = 0x3e, LOW_E = 0x65, HIGH_E = 0x45, BANG = 0x21;
const SINGLE: Record<number, Kind> = {
  0x28: "(", 0x29: ")", 0x5b: "[", 0x5d: "]", 0x7b: "{", 0x7d: "}", 0x3b: ";", 0x2c: ",", 0x3a: ":",
};

const isNewline = (c: number): boolean => c === LF || c === CR || c === FF;
const isWhitespace = (c: number): boolean => c === SPACE || c === TAB || isNewline(c);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
// NaN (past the end) is none of these.
const isIdentStart = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c >= 0x80;
const isIdent = (c: number): boolean => isIdentStart(c) || isDigit(c) || c === MINUS;
const isNonPrintable = (c: number): boolean => c <= 0x08 || c === 0x0b || (c >= 0x0e && c <= 0x1f) || c === 0x7f;

class Tokenizer {
  private at = 0;
  private readonly length: number;

  constructor(private readonly text: string) {
    this.length = text.length;
  }

  /** The code unit `offset` ahead; NaN past the end. */
  private code(offset = 0): number {
    return this.text.charCodeAt(this.at + offset);
  }

  /** Past a newline: CR LF is one. */
  private skipNewline(): void {
    this.at += this.code() === CR && this.code(1) === LF ? 2 : 1;
  }

  private validEscape(offset = 0): boolean {
    const next = this.code(offset + 1);
    return this.code(offset) === BACKSLASH && next === next && !isNewline(next);
  }

  private startsIdent(offset = 0): boolean {
    const first = this.code(offset);
    if (first === MINUS) {
      const second = this.code(offset + 1);
      return isIdentStart(second) || second === MINUS || this.validEscape(offset + 1);
    }
    return isIdentStart(first) || this.validEscape(offset);
  }

  private startsNumber(offset = 0): boolean {
    const first = this.code(offset);
    if (first === PLUS || first === MINUS) {
      const second = this.code(offset + 1);
      return isDigit(second) || (second === DOT && isDigit(this.code(offset + 2)));
    }
    if (first === DOT) return isDigit(this.code(offset + 1));
    return isDigit(first);
  }

  /** After the backslash of a valid escape: the code point it stands for. */
  private escape(): string {
    if (this.at >= this.length) return "\ufffd";
    if (isHex(this.code())) {
      const start = this.at;
      while (this.at - start < 6 && isHex(this.code())) this.at += 1;
      const value = parseInt(this.text.slice(start, this.at), 16);
      if (isNewline(this.code())) this.skipNewline();
      else if (isWhitespace(this.code())) this.at += 1;
      const valid = value !== 0 && value <= 0x10ffff && !(value >= 0xd800 && value <= 0xdfff);
      return valid ? String.fromCodePoint(value) : "\ufffd";
    }
    const point = String.fromCodePoint(this.text.codePointAt(this.at) ?? 0xfffd);
    this.at += point.length;
    return point;
  }

  private identSequence(): string {
    let value = "";
    let run = this.at; // plain characters are copied a run at a time
    for (;;) {
      const c = this.code();
      if (isIdent(c)) {
        this.at += 1;
      } else if (this.validEscape()) {
        value += this.text.slice(run, this.at);
        this.at += 1;
        value += this.escape();
        run = this.at;
      } else {
        return value + this.text.slice(run, this.at);
      }
    }
  }

  next(): Token | null {
    const start = this.at;
    if (start >= this.length) return null;
    const c = this.code();
    const token = (kind: Kind, value = ""): Token => ({ kind, start, end: this.at, value });
    if (c === SLASH && this.code(1) === STAR) {
      const close = this.text.indexOf("*/", start + 2);
      this.at = close < 0 ? this.length : close + 2;
      return token("comment");
    }
    if (isWhitespace(c)) {
      while (isWhitespace(this.code())) this.at += 1;
      return token("ws");
    }
    if (c === QUOTE || c === APOSTROPHE) return this.string(start, c);
    const single = SINGLE[c];
    if (single) {
      this.at += 1;
      return token(single);
    }
    if (isIdentStart(c)) return this.identLike(start);
    if (isDigit(c)) return this.numeric(start);
    if (c === HASH) {
      if (isIdent(this.code(1)) || this.validEscape(1)) {
        this.at += 1;
        return token("hash", this.identSequence());
      }
    } else if (c === PLUS || c === DOT) {
      if (this.startsNumber()) return this.numeric(start);
    } else if (c === MINUS) {
      if (this.startsNumber()) return this.numeric(start);
      if (this.code(1) === MINUS && this.code(2) === GREATER) {
        this.at += 3;
        return token("cdc");
      }
      if (this.startsIdent()) return this.identLike(start);
    } else if (c === LESS) {
      if (this.code(1) === BANG && this.code(2) === MINUS && this.code(3) === MINUS) {
        this.at += 4;
        return token("cdo");
      }
    } else if (c === AT) {
      if (this.startsIdent(1)) {
        this.at += 1;
        return token("at", this.identSequence());
      }
    } else if (c === BACKSLASH) {
      if (this.validEscape()) return this.identLike(start);
    }
    this.at += 1;
    return token("delim");
  }

  private string(start: number, quote: number): Token {
    this.at += 1;
    let value = "";
    let run = this.at;
    for (;;) {
      const c = this.code();
      if (c !== c || c === quote) {
        value += this.text.slice(run, this.at);
        if (c === quote) this.at += 1;
        return { kind: "string", start, end: this.at, value };
      }
      if (isNewline(c)) return { kind: "bad-string", start, end: this.at, value }; // not consumed
      if (c === BACKSLASH) {
        value += this.text.slice(run, this.at);
        this.at += 1;
        if (this.at < this.length) {
          if (isNewline(this.code())) this.skipNewline();
          else value += this.escape();
        }
        run = this.at;
        continue;
      }
      this.at += 1;
    }
  }

  private numeric(start: number): Token {
    if (this.code() === PLUS || this.code() === MINUS) this.at += 1;
    while (isDigit(this.code())) this.at += 1;
    if (this.code() === DOT && isDigit(this.code(1))) {
      this.at += 1;
      while (isDigit(this.code())) this.at += 1;
    }
    const e = this.code();
    if (e === LOW_E || e === HIGH_E) {
      const sign = this.code(1) === PLUS || this.code(1) === MINUS ? 1 : 0;
      if (isDigit(this.code(1 + sign))) {
        this.at += 1 + sign;
        while (isDigit(this.code())) this.at += 1;
      }
    }
    if (this.startsIdent()) this.identSequence(); // a dimension's unit
    else if (this.code() === PERCENT) this.at += 1;
    return { kind: "number", start, end: this.at, value: "" };
  }

  private identLike(start: number): Token {
    const name = this.identSequence();
    if (this.code() !== OPEN) return { kind: "ident", start, end: this.at, value: name };
    this.at += 1;
    if (name.length !== 3 || name.toLowerCase() !== "url") return { kind: "function", start, end: this.at, value: name };
    while (isWhitespace(this.code()) && isWhitespace(this.code(1))) this.at += 1;
    const next = isWhitespace(this.code()) ? this.code(1) : this.code();
    if (next === QUOTE || next === APOSTROPHE) return { kind: "function", start, end: this.at, value: name };
    return this.url(start);
  }

  private url(start: number): Token {
    while (isWhitespace(this.code())) this.at += 1;
    let value = "";
    let run = this.at;
    for (;;) {
      const c = this.code();
      if (c === CLOSE || c !== c) {
        value += this.text.slice(run, this.at);
        if (c === CLOSE) this.at += 1;
        return { kind: "url", start, end: this.at, value };
      }
      if (isWhitespace(c)) {
        value += this.text.slice(run, this.at);
        while (isWhitespace(this.code())) this.at += 1;
        run = this.at;
        const after = this.code();
        if (after === CLOSE || after !== after) continue;
        return this.badUrl(start);
      }
      if (c === QUOTE || c === APOSTROPHE || c === OPEN || isNonPrintable(c)) return this.badUrl(start);
      if (c === BACKSLASH) {
        if (!this.validEscape()) return this.badUrl(start);
        value += this.text.slice(run, this.at);
        this.at += 1;
        value += this.escape();
        run = this.at;
        continue;
      }
      this.at += 1;
    }
  }

  private badUrl(start: number): Token {
    while (this.at < this.length) {
      if (this.code() === CLOSE) {
        this.at += 1;
        break;
      }
      if (this.validEscape()) {
        this.at += 1;
        this.escape();
      } else {
        this.at += 1;
      }
    }
    return { kind: "bad-url", start, end: this.at, value: "" };
  }
}

/** Without escapes, only these texts can start something that loads. */
const MAY_LOAD = /url\(|src\(|image-set\(|@import/i;

export function tokenize(text: string): Token[] {
  const tokenizer = new Tokenizer(text);
  const tokens: Token[] = [];
  for (let token = tokenizer.next(); token; token = tokenizer.next()) tokens.push(token);
  return tokens;
}

/** Functions whose string arguments are URLs the browser fetches (`url("x")` is one). */
const URL_STRING_FUNCTIONS = new Set(["url", "src", "image-set", "-webkit-image-set"]);
const OPENERS: Partial<Record<Kind, Kind>> = { "(": ")", "[": "]", "{": "}", function: ")" };

export const cssString = (text: string): string =>
  `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\a ")}"`;

/** `css` with the URL of everything it loads replaced by `swap(url)`; the rest as it was. */
export function rewriteCssUrls(css: string, swap: (url: string) => string): string {
  if (!css.includes("\\") && !MAY_LOAD.test(css)) return css;
  const tokenizer = new Tokenizer(css);
  let out = "";
  let copied = 0;
  const replace = (token: Token, text: string): void => {
    out += css.slice(copied, token.start) + text;
    copied = token.end;
  };
  // Each open block: what closes it, and whether strings directly inside it are URLs.
  const blocks: { closer: Kind; urls: boolean }[] = [];
  let pendingImport = false; // after `@import`: a string is the sheet's URL
  let namespaceDepth = -1; // inside `@namespace ...;`: its url() names, fetches nothing
  for (let token = tokenizer.next(); token; token = tokenizer.next()) {
    const { kind } = token;
    if (kind === "ws" || kind === "comment") continue;
    const inside = blocks[blocks.length - 1];
    if (inside && kind === inside.closer) {
      blocks.pop();
      if (namespaceDepth > blocks.length) namespaceDepth = -1;
    } else if (OPENERS[kind]) {
      const urls = kind === "function" && URL_STRING_FUNCTIONS.has(token.value.toLowerCase());
      if (namespaceDepth === blocks.length && kind === "{") namespaceDepth = -1;
      blocks.push({ closer: OPENERS[kind] as Kind, urls });
    } else if (namespaceDepth >= 0) {
      if (kind === ";" && namespaceDepth === blocks.length) namespaceDepth = -1;
    } else if (kind === "url") {
      replace(token, `url(${cssString(swap(token.value))})`);
    } else if (kind === "string" && (pendingImport || inside?.urls)) {
      replace(token, cssString(swap(token.value)));
    }
    pendingImport = kind === "at" && token.value.toLowerCase() === "import";
    if (kind === "at" && token.value.toLowerCase() === "namespace") namespaceDepth = blocks.length;
  }
  return out + css.slice(copied);
}

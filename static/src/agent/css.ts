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

const isNewline = (c: string): boolean => c === "\n" || c === "\r" || c === "\f";
const isWhitespace = (c: string): boolean => c === " " || c === "\t" || isNewline(c);
const isDigit = (c: string): boolean => c >= "0" && c <= "9";
const isHex = (c: string): boolean => isDigit(c) || (c >= "a" && c <= "f") || (c >= "A" && c <= "F");
const isIdentStart = (c: string): boolean =>
  (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_" || (c !== "" && c.charCodeAt(0) >= 0x80);
const isIdent = (c: string): boolean => isIdentStart(c) || isDigit(c) || c === "-";
const isNonPrintable = (c: string): boolean => {
  const code = c.charCodeAt(0);
  return code <= 0x08 || code === 0x0b || (code >= 0x0e && code <= 0x1f) || code === 0x7f;
};

class Tokenizer {
  private at = 0;

  constructor(private readonly text: string) {}

  private peek(offset = 0): string {
    return this.text.charAt(this.at + offset); // "" past the end
  }

  /** Past a newline: CR LF is one. */
  private skipNewline(): void {
    this.at += this.peek() === "\r" && this.peek(1) === "\n" ? 2 : 1;
  }

  private validEscape(offset = 0): boolean {
    return this.peek(offset) === "\\" && this.peek(offset + 1) !== "" && !isNewline(this.peek(offset + 1));
  }

  private startsIdent(offset = 0): boolean {
    const first = this.peek(offset);
    if (first === "-") {
      const second = this.peek(offset + 1);
      return isIdentStart(second) || second === "-" || this.validEscape(offset + 1);
    }
    if (isIdentStart(first)) return true;
    return this.validEscape(offset);
  }

  private startsNumber(offset = 0): boolean {
    const first = this.peek(offset);
    if (first === "+" || first === "-") {
      const second = this.peek(offset + 1);
      return isDigit(second) || (second === "." && isDigit(this.peek(offset + 2)));
    }
    if (first === ".") return isDigit(this.peek(offset + 1));
    return isDigit(first);
  }

  /** After the backslash of a valid escape: the code point it stands for. */
  private escape(): string {
    const first = this.peek();
    if (first === "") return "\ufffd";
    if (isHex(first)) {
      let hex = "";
      while (hex.length < 6 && isHex(this.peek())) hex += this.text[this.at++];
      if (isWhitespace(this.peek())) {
        if (isNewline(this.peek())) this.skipNewline();
        else this.at += 1;
      }
      const code = parseInt(hex, 16);
      const valid = code !== 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
      return valid ? String.fromCodePoint(code) : "\ufffd";
    }
    const point = String.fromCodePoint(this.text.codePointAt(this.at) ?? 0xfffd);
    this.at += point.length;
    return point;
  }

  private identSequence(): string {
    let value = "";
    for (;;) {
      const c = this.peek();
      if (isIdent(c)) {
        value += c;
        this.at += 1;
      } else if (this.validEscape()) {
        this.at += 1;
        value += this.escape();
      } else {
        return value;
      }
    }
  }

  next(): Token | null {
    const start = this.at;
    const c = this.peek();
    if (c === "") return null;
    const token = (kind: Kind, value = ""): Token => ({ kind, start, end: this.at, value });
    if (c === "/" && this.peek(1) === "*") {
      const close = this.text.indexOf("*/", this.at + 2);
      this.at = close < 0 ? this.text.length : close + 2;
      return token("comment");
    }
    if (isWhitespace(c)) {
      while (isWhitespace(this.peek())) this.at += 1;
      return token("ws");
    }
    if (c === '"' || c === "'") return this.string(start, c);
    if (c === "#") {
      if (isIdent(this.peek(1)) || this.validEscape(1)) {
        this.at += 1;
        return token("hash", this.identSequence());
      }
      this.at += 1;
      return token("delim", c);
    }
    if ("()[]{};,:".includes(c)) {
      this.at += 1;
      return token(c as Kind);
    }
    if (c === "+" || c === ".") {
      if (this.startsNumber()) return this.numeric(start);
      this.at += 1;
      return token("delim", c);
    }
    if (c === "-") {
      if (this.startsNumber()) return this.numeric(start);
      if (this.peek(1) === "-" && this.peek(2) === ">") {
        this.at += 3;
        return token("cdc");
      }
      if (this.startsIdent()) return this.identLike(start);
      this.at += 1;
      return token("delim", c);
    }
    if (c === "<" && this.text.startsWith("!--", this.at + 1)) {
      this.at += 4;
      return token("cdo");
    }
    if (c === "@") {
      if (this.startsIdent(1)) {
        this.at += 1;
        return token("at", this.identSequence());
      }
      this.at += 1;
      return token("delim", c);
    }
    if (c === "\\") {
      if (this.validEscape()) return this.identLike(start);
      this.at += 1;
      return token("delim", c);
    }
    if (isDigit(c)) return this.numeric(start);
    if (isIdentStart(c)) return this.identLike(start);
    this.at += c.length;
    return token("delim", c);
  }

  private string(start: number, quote: string): Token {
    this.at += 1;
    let value = "";
    for (;;) {
      const c = this.peek();
      if (c === "" || c === quote) {
        if (c === quote) this.at += 1;
        return { kind: "string", start, end: this.at, value };
      }
      if (isNewline(c)) return { kind: "bad-string", start, end: this.at, value }; // not consumed
      if (c === "\\") {
        this.at += 1;
        if (this.peek() === "") continue;
        if (isNewline(this.peek())) this.skipNewline();
        else value += this.escape();
        continue;
      }
      value += c;
      this.at += 1;
    }
  }

  private numeric(start: number): Token {
    if (this.peek() === "+" || this.peek() === "-") this.at += 1;
    while (isDigit(this.peek())) this.at += 1;
    if (this.peek() === "." && isDigit(this.peek(1))) {
      this.at += 1;
      while (isDigit(this.peek())) this.at += 1;
    }
    const e = this.peek();
    if (e === "e" || e === "E") {
      const sign = this.peek(1) === "+" || this.peek(1) === "-" ? 1 : 0;
      if (isDigit(this.peek(1 + sign))) {
        this.at += 1 + sign;
        while (isDigit(this.peek())) this.at += 1;
      }
    }
    if (this.startsIdent()) this.identSequence(); // a dimension's unit
    else if (this.peek() === "%") this.at += 1;
    return { kind: "number", start, end: this.at, value: "" };
  }

  private identLike(start: number): Token {
    const name = this.identSequence();
    if (this.peek() !== "(") return { kind: "ident", start, end: this.at, value: name };
    this.at += 1;
    if (name.toLowerCase() !== "url") return { kind: "function", start, end: this.at, value: name };
    while (isWhitespace(this.peek()) && isWhitespace(this.peek(1))) this.at += 1;
    const next = isWhitespace(this.peek()) ? this.peek(1) : this.peek();
    if (next === '"' || next === "'") return { kind: "function", start, end: this.at, value: name };
    return this.url(start);
  }

  private url(start: number): Token {
    while (isWhitespace(this.peek())) this.at += 1;
    let value = "";
    for (;;) {
      const c = this.peek();
      if (c === ")" || c === "") {
        if (c === ")") this.at += 1;
        return { kind: "url", start, end: this.at, value };
      }
      if (isWhitespace(c)) {
        while (isWhitespace(this.peek())) this.at += 1;
        if (this.peek() === ")" || this.peek() === "") continue;
        return this.badUrl(start);
      }
      if (c === '"' || c === "'" || c === "(" || isNonPrintable(c)) return this.badUrl(start);
      if (c === "\\") {
        if (!this.validEscape()) return this.badUrl(start);
        this.at += 1;
        value += this.escape();
        continue;
      }
      value += c;
      this.at += 1;
    }
  }

  private badUrl(start: number): Token {
    for (;;) {
      const c = this.peek();
      if (c === "") break;
      if (c === ")") {
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
  const tokens = tokenize(css);
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
  for (const token of tokens) {
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

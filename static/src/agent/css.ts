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
  private at_ = 0;
  private readonly length_: number;

  constructor(private readonly text: string) {
    this.length_ = text.length;
  }

  /** The code unit `offset` ahead; NaN past the end. */
  private code_(offset = 0): number {
    return this.text.charCodeAt(this.at_ + offset);
  }

  /** Past a newline: CR LF is one. */
  private skipNewline_(): void {
    this.at_ += this.code_() === CR && this.code_(1) === LF ? 2 : 1;
  }

  private validEscape_(offset = 0): boolean {
    const next = this.code_(offset + 1);
    return this.code_(offset) === BACKSLASH && next === next && !isNewline(next);
  }

  private startsIdent_(offset = 0): boolean {
    const first = this.code_(offset);
    if (first === MINUS) {
      const second = this.code_(offset + 1);
      return isIdentStart(second) || second === MINUS || this.validEscape_(offset + 1);
    }
    return isIdentStart(first) || this.validEscape_(offset);
  }

  private startsNumber_(offset = 0): boolean {
    const first = this.code_(offset);
    if (first === PLUS || first === MINUS) {
      const second = this.code_(offset + 1);
      return isDigit(second) || (second === DOT && isDigit(this.code_(offset + 2)));
    }
    if (first === DOT) return isDigit(this.code_(offset + 1));
    return isDigit(first);
  }

  /** After the backslash of a valid escape: the code point it stands for. */
  private escape_(): string {
    if (this.at_ >= this.length_) return "\ufffd";
    if (isHex(this.code_())) {
      const start = this.at_;
      while (this.at_ - start < 6 && isHex(this.code_())) this.at_ += 1;
      const value = parseInt(this.text.slice(start, this.at_), 16);
      if (isNewline(this.code_())) this.skipNewline_();
      else if (isWhitespace(this.code_())) this.at_ += 1;
      const valid = value !== 0 && value <= 0x10ffff && !(value >= 0xd800 && value <= 0xdfff);
      return valid ? String.fromCodePoint(value) : "\ufffd";
    }
    const point = String.fromCodePoint(this.text.codePointAt(this.at_) ?? 0xfffd);
    this.at_ += point.length;
    return point;
  }

  private identSequence_(): string {
    let value = "";
    let run = this.at_; // plain characters are copied a run at a time
    for (;;) {
      const c = this.code_();
      if (isIdent(c)) {
        this.at_ += 1;
      } else if (this.validEscape_()) {
        value += this.text.slice(run, this.at_);
        this.at_ += 1;
        value += this.escape_();
        run = this.at_;
      } else {
        return value + this.text.slice(run, this.at_);
      }
    }
  }

  next(): Token | null {
    const start = this.at_;
    if (start >= this.length_) return null;
    const c = this.code_();
    const token = (kind: Kind, value = ""): Token => ({ kind, start, end: this.at_, value });
    if (c === SLASH && this.code_(1) === STAR) {
      const close = this.text.indexOf("*/", start + 2);
      this.at_ = close < 0 ? this.length_ : close + 2;
      return token("comment");
    }
    if (isWhitespace(c)) {
      while (isWhitespace(this.code_())) this.at_ += 1;
      return token("ws");
    }
    if (c === QUOTE || c === APOSTROPHE) return this.string_(start, c);
    const single = SINGLE[c];
    if (single) {
      this.at_ += 1;
      return token(single);
    }
    if (isIdentStart(c)) return this.identLike_(start);
    if (isDigit(c)) return this.numeric_(start);
    if (c === HASH) {
      if (isIdent(this.code_(1)) || this.validEscape_(1)) {
        this.at_ += 1;
        return token("hash", this.identSequence_());
      }
    } else if (c === PLUS || c === DOT) {
      if (this.startsNumber_()) return this.numeric_(start);
    } else if (c === MINUS) {
      if (this.startsNumber_()) return this.numeric_(start);
      if (this.code_(1) === MINUS && this.code_(2) === GREATER) {
        this.at_ += 3;
        return token("cdc");
      }
      if (this.startsIdent_()) return this.identLike_(start);
    } else if (c === LESS) {
      if (this.code_(1) === BANG && this.code_(2) === MINUS && this.code_(3) === MINUS) {
        this.at_ += 4;
        return token("cdo");
      }
    } else if (c === AT) {
      if (this.startsIdent_(1)) {
        this.at_ += 1;
        return token("at", this.identSequence_());
      }
    } else if (c === BACKSLASH) {
      if (this.validEscape_()) return this.identLike_(start);
    }
    this.at_ += 1;
    return token("delim");
  }

  private string_(start: number, quote: number): Token {
    this.at_ += 1;
    let value = "";
    let run = this.at_;
    for (;;) {
      const c = this.code_();
      if (c !== c || c === quote) {
        value += this.text.slice(run, this.at_);
        if (c === quote) this.at_ += 1;
        return { kind: "string", start, end: this.at_, value };
      }
      if (isNewline(c)) return { kind: "bad-string", start, end: this.at_, value }; // not consumed
      if (c === BACKSLASH) {
        value += this.text.slice(run, this.at_);
        this.at_ += 1;
        if (this.at_ < this.length_) {
          if (isNewline(this.code_())) this.skipNewline_();
          else value += this.escape_();
        }
        run = this.at_;
        continue;
      }
      this.at_ += 1;
    }
  }

  private numeric_(start: number): Token {
    if (this.code_() === PLUS || this.code_() === MINUS) this.at_ += 1;
    while (isDigit(this.code_())) this.at_ += 1;
    if (this.code_() === DOT && isDigit(this.code_(1))) {
      this.at_ += 1;
      while (isDigit(this.code_())) this.at_ += 1;
    }
    const e = this.code_();
    if (e === LOW_E || e === HIGH_E) {
      const sign = this.code_(1) === PLUS || this.code_(1) === MINUS ? 1 : 0;
      if (isDigit(this.code_(1 + sign))) {
        this.at_ += 1 + sign;
        while (isDigit(this.code_())) this.at_ += 1;
      }
    }
    if (this.startsIdent_()) this.identSequence_(); // a dimension's unit
    else if (this.code_() === PERCENT) this.at_ += 1;
    return { kind: "number", start, end: this.at_, value: "" };
  }

  private identLike_(start: number): Token {
    const name = this.identSequence_();
    if (this.code_() !== OPEN) return { kind: "ident", start, end: this.at_, value: name };
    this.at_ += 1;
    if (name.length !== 3 || name.toLowerCase() !== "url") return { kind: "function", start, end: this.at_, value: name };
    while (isWhitespace(this.code_()) && isWhitespace(this.code_(1))) this.at_ += 1;
    const next = isWhitespace(this.code_()) ? this.code_(1) : this.code_();
    if (next === QUOTE || next === APOSTROPHE) return { kind: "function", start, end: this.at_, value: name };
    return this.url_(start);
  }

  private url_(start: number): Token {
    while (isWhitespace(this.code_())) this.at_ += 1;
    let value = "";
    let run = this.at_;
    for (;;) {
      const c = this.code_();
      if (c === CLOSE || c !== c) {
        value += this.text.slice(run, this.at_);
        if (c === CLOSE) this.at_ += 1;
        return { kind: "url", start, end: this.at_, value };
      }
      if (isWhitespace(c)) {
        value += this.text.slice(run, this.at_);
        while (isWhitespace(this.code_())) this.at_ += 1;
        run = this.at_;
        const after = this.code_();
        if (after === CLOSE || after !== after) continue;
        return this.badUrl_(start);
      }
      if (c === QUOTE || c === APOSTROPHE || c === OPEN || isNonPrintable(c)) return this.badUrl_(start);
      if (c === BACKSLASH) {
        if (!this.validEscape_()) return this.badUrl_(start);
        value += this.text.slice(run, this.at_);
        this.at_ += 1;
        value += this.escape_();
        run = this.at_;
        continue;
      }
      this.at_ += 1;
    }
  }

  private badUrl_(start: number): Token {
    while (this.at_ < this.length_) {
      if (this.code_() === CLOSE) {
        this.at_ += 1;
        break;
      }
      if (this.validEscape_()) {
        this.at_ += 1;
        this.escape_();
      } else {
        this.at_ += 1;
      }
    }
    return { kind: "bad-url", start, end: this.at_, value: "" };
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

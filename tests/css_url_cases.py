"""CSS, and the URLs a browser loads for it (resolved against BASE), in order: the case
table the asset proxy's stylesheet rewriting (cobrowse/asset_proxy.py, tinycss2) and the
agent page's (static/src/agent/css.ts) both answer. Look-alikes load nothing."""

BASE = "http://shop.example/css/site.css"
S = "http://shop.example/css/"

CSS_URLS: list[tuple[str, list[str]]] = [
    ("a { background: url(img.png) }", [S + "img.png"]),
    ("a { background: URL( 'q.png' ) }", [S + "q.png"]),
    ('a { background: url(  "  spaced.png  " ) }', [S + "spaced.png"]),
    ("a { background: url(//cdn.example/x.png) }", ["http://cdn.example/x.png"]),
    ("a { background: url(/root.png#frag) }", ["http://shop.example/root.png"]),
    # Escapes, as the browser unescapes them.
    ("a { background: url(\\68ttp://evil.example/a.png) }", ["http://evil.example/a.png"]),
    ('a { background: url("\\68ttp://evil.example/b.png") }', ["http://evil.example/b.png"]),
    # Six hex digits and the one space after them are the escape: "http://...".
    ("a { background: url('\\000068 ttp://evil.example/c.png') }", ["http://evil.example/c.png"]),
    ("a { background: u\\72l(d.png) }", [S + "d.png"]),
    ("a { background: \\55 RL(e.png) }", [S + "e.png"]),
    ("a { background: url(f\\).png) }", [S + "f).png"]),
    ('a { background: url("g\\\nh.png") }', [S + "gh.png"]),
    # image-set(): its strings are URLs, a type() string is not.
    ('a { background: image-set("1x.png" 1x, "2x.png" 2x) }', [S + "1x.png", S + "2x.png"]),
    (
        'a { background: -webkit-image-set(url(w1.png) 1x, "w2.png" 2x) }',
        [S + "w1.png", S + "w2.png"],
    ),
    (
        'a { background: image-set("t.avif" type("image/avif"), url(t.png)) }',
        [S + "t.avif", S + "t.png"],
    ),
    ('a { background: -WEBKIT-IMAGE-SET("upper.png" 1x) }', [S + "upper.png"]),
    ('a { background: src("s.png") }', [S + "s.png"]),
    # @import, with or without url(), escaped, in any case.
    ('@import "i1.css";', [S + "i1.css"]),
    ("@import'i2.css' screen;", [S + "i2.css"]),
    ('@IMPORT url("i3.css") layer(base) supports(display: grid);', [S + "i3.css"]),
    ('@\\69mport "i4.css";', [S + "i4.css"]),
    ('@import /* note */ "i5.css";', [S + "i5.css"]),
    ("@font-face { src: url(a.woff2) format('woff2'), local('Evil') }", [S + "a.woff2"]),
    ("@media screen { @supports (display: grid) { a { background: url(n.png) } } }", [S + "n.png"]),
    ("a { --bg: url(v.png); cursor: url(c.cur), auto }", [S + "v.png", S + "c.cur"]),
    ('a { background: url("unterminated.png', [S + "unterminated.png"]),
    # Look-alikes: nothing is loaded for them.
    ('a::before { content: "url(no1.png)" }', []),
    ("a[title=\"@import 'no2.css'\"] { color: red }", []),
    ("/* url(no3.png) @import 'no4.css'; */ a { color: red }", []),
    ("@namespace svg url(http://www.w3.org/2000/svg); svg|a { fill: red }", []),
    ('@namespace "http://www.w3.org/1999/xhtml";', []),
    ("a { background: url(bad url.png) }", []),
    ("a { width: 1url(no5.png) }", []),
    ('a { background: "no6.png" }', []),
    ("a { background: url(data:image/png;base64,AAAA) }", []),
    ("a { filter: url(#shadow) }", []),
    ('a { background: url("javascript:alert(1)") }', []),  # not http(s): about:invalid
]

SRCSET_URLS: list[tuple[str, list[str]]] = [
    ("a.png 1x, b.png 2x", [S + "a.png", S + "b.png"]),
    ("a.png?x=1,2 100w,b.png 200w", [S + "a.png?x=1,2", S + "b.png"]),
    ("data:image/png;base64,AA,AA 1x, c.png 2x", [S + "c.png"]),
    ("  d.png,  e.png 2x ", [S + "d.png", S + "e.png"]),
    ("f.png (max-width: 10px, 2x), g.png", [S + "f.png", S + "g.png"]),
    ("h.png,,,i.png", [S + "h.png,,,i.png"]),  # one run of non-spaces: one URL
]

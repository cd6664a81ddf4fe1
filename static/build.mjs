// Builds the browser bundles into static/dist/ (served by Django) and reports their sizes.
// `node static/build.mjs --analyze` also prints what each bundle is made of (minified bytes
// per source file, from esbuild's metafile).
import { analyzeMetafile, build as esbuild } from "esbuild";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const outdir = new URL("./dist/", import.meta.url).pathname;
const analyze = process.argv.includes("--analyze");
// A property name that ends in "_" is private to the bundle that holds it (a class's private
// members, the socket client's options and status): esbuild shortens it. Such a name must
// never reach the wire, storage, the page's API or another bundle (static/src/boundaries.ts
// has tsc check the types that cross); and no library bundled may have one of its own,
// which the shortening would break.
const PRIVATE_NAME = /(?:\.|[{,]\s*)[A-Za-z$][\w$]*_\b/;
const build = async (options) => {
  const result = await esbuild({ ...options, metafile: true });
  for (const input of Object.keys(result.metafile.inputs)) {
    if (input.includes("node_modules/") && PRIVATE_NAME.test(readFileSync(input, "utf8"))) {
      throw new Error(`${input} has a property name ending in "_", which mangleProps would shorten`);
    }
  }
  if (analyze) console.log(await analyzeMetafile(result.metafile));
};
const common = { bundle: true, minify: true, target: ["es2020"], logLevel: "warning", legalComments: "none", mangleProps: /_$/ };

await Promise.all([
  // The loader is wrapped by the loader view, which passes TANDEM_CONFIG in.
  build({ ...common, entryPoints: { loader: "static/src/visitor/loader.ts" }, outdir, format: "iife" }),
  // GLANCE.Presence.Visitor alone (script=PresenceVisitor), wrapped by the loader view too.
  build({ ...common, entryPoints: { presence: "static/src/presence/entry.ts" }, outdir, format: "iife" }),
  // GLANCE.Cobrowse.InvokeVisitor, for chat windows: served alone, shares nothing with the loader.
  build({ ...common, entryPoints: { invokevisitor: "static/src/invoke/invokevisitor.ts" }, outdir, format: "iife" }),
  // Loaded by the loader with import() once a session starts.
  build({ ...common, entryPoints: { recorder: "static/src/visitor/recorder.ts" }, outdir, format: "esm" }),
  // The default visitor UI, loaded with import() when a session starts or the terms are shown.
  build({ ...common, entryPoints: { ui: "static/src/visitor/ui.ts" }, outdir, format: "esm" }),
  // window.site_connect's broker, loaded with import() when the page first uses it.
  build({ ...common, entryPoints: { siteconnect: "static/src/siteconnect/host.ts" }, outdir, format: "esm" }),
  // The site-connect frame's own page script (served by Tandem inside its iframe).
  build({ ...common, entryPoints: { "siteconnect-frame": "static/src/siteconnect/frame.ts" }, outdir, format: "iife" }),
  // The agent's screen share on the visitor page, loaded with import() when a share starts.
  build({ ...common, entryPoints: { media: "static/src/visitor/media.ts" }, outdir, format: "esm" }),
  // The screen share view iframe's own page script (served by Tandem at /cobrowse/view/).
  build({ ...common, entryPoints: { view: "static/src/media/view.ts" }, outdir, format: "iife" }),
  build({
    ...common,
    entryPoints: {
      viewer: "static/src/agent/viewer.ts",
      dashboard: "static/src/agent/dashboard.ts",
      // Every agent page: its POST forms through fetch() (static/src/agent/page.ts).
      agentpage: "static/src/agent/page.ts",
    },
    outdir,
    format: "iife",
  }),
]);

for (const name of ["loader.js", "presence.js", "invokevisitor.js", "recorder.js", "ui.js", "siteconnect.js", "siteconnect-frame.js", "media.js", "view.js", "viewer.js", "viewer.css", "dashboard.js", "agentpage.js"]) {
  const bytes = readFileSync(outdir + name);
  const gz = gzipSync(bytes).length;
  console.log(`${name.padEnd(21)} ${(bytes.length / 1024).toFixed(1).padStart(7)} KB  gzip ${(gz / 1024).toFixed(1).padStart(6)} KB`);
}

// Compressed copies beside each bundle: WhiteNoise serves the .br or .gz one to a browser
// that accepts it, straight from the build as from collectstatic's output.
for (const name of readdirSync(outdir)) {
  if (!/\.(js|css|map)$/.test(name)) continue;
  const bytes = readFileSync(outdir + name);
  writeFileSync(`${outdir}${name}.gz`, gzipSync(bytes, { level: 9 }));
  writeFileSync(
    `${outdir}${name}.br`,
    brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }),
  );
}

// Renders ZPL files to PNG files with zpl-renderer-js, in one Node process so the
// WebAssembly module loads once for a whole batch.
//
// Usage: node render_png.js WIDTH_MM HEIGHT_MM DPMM IN.zpl OUT.png [IN.zpl OUT.png ...]
// zpl-renderer-js must be found through NODE_PATH or a node_modules folder above this file.
"use strict";

const fs = require("node:fs");
const { ready } = require("zpl-renderer-js");

async function main() {
    // Run as a file, arguments start at argv[2]; run with `node -e`, at argv[1].
    const [widthMm, heightMm, dpmm, ...pairs] = process.argv.slice(require.main ? 2 : 1);
    if (pairs.length === 0 || pairs.length % 2 !== 0) {
        console.error("usage: node render_png.js WIDTH_MM HEIGHT_MM DPMM IN.zpl OUT.png ...");
        process.exit(2);
    }
    const { api } = await ready;
    for (let i = 0; i < pairs.length; i += 2) {
        const zpl = fs.readFileSync(pairs[i], "utf8");
        const png = await api.zplToBase64Async(zpl, Number(widthMm), Number(heightMm),
                                               Number(dpmm));
        fs.writeFileSync(pairs[i + 1], Buffer.from(png, "base64"));
    }
}

main().catch((error) => {
    console.error(`render_png.js: ${error && error.message ? error.message : error}`);
    process.exit(1);
});

#!/usr/bin/env node
// Node entry of the `losslab` command: the bundled CLI does the work.
const path = require('node:path');
const cli = path.join(__dirname, '../dist/cli.js');
if (!require('node:fs').existsSync(cli)) {
  process.stderr.write(`losslab: ${path.relative(process.cwd(), cli) || cli} is not built yet: run \`npm run build\` in ${path.resolve(__dirname, '..')}\n`);
  process.exit(1);
}
require(cli);

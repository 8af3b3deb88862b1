#!/usr/bin/env node
// Node entry of the `losslab` command: the bundled CLI does the work.
require('../dist/cli.js');

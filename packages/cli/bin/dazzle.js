#!/usr/bin/env node
// A committed entry point, so package managers can link `dazzle` before dist/ is built.
require('../dist/bin.js');

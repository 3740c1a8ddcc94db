#!/usr/bin/env node
// The `billwright` command. A committed file (not dist/) so `npm install` can link it before the first
// build; it runs the compiled CLI, which `npm start` / `tsc -b` produce.
import('../dist/cli/billwright.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('billwright: the server is not built yet; run `npx tsc -b` (or `npm start` once) first\n');
    process.exit(1);
  }
  throw err;
});

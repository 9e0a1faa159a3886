// parwasm is an ES module. Node >= 20.19 (and >= 22.12) can require() an ES module, so
// require('parwasm') hands back the same module that import gives; older Node cannot, and
// gets this one line instead of ERR_REQUIRE_ESM.
'use strict';

if (!process.features.require_module) {
  throw new Error(
    `require('parwasm') needs a Node that can require() an ES module (>= 20.19 or >= 22.12, without ` +
      `--no-experimental-require-module); this is Node ${process.versions.node}. Use import('parwasm') instead.`,
  );
}

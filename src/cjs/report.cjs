// require('parwasm/report'): the ES module itself, where Node can require() one (./node-check.cjs).
'use strict';

require('./node-check.cjs');
module.exports = require('./report.js');

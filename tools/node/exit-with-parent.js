// Preloaded into the s3rver the .NET test fixtures start (`node --require ./exit-with-parent.js ...`): the server
// exits when its parent goes away, because the parent's end of our stdin pipe then closes. Without it a test
// process that ended without disposing its fixture left an s3rver running.
'use strict';
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
